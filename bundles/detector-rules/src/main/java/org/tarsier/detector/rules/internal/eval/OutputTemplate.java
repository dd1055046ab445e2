package org.tarsier.detector.rules.internal.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tarsier.detector.rules.internal.lang.Location;
import org.tarsier.detector.rules.internal.lang.RuleException;

/**
 * A rule's {@code output} with its {@code %field} references resolved once.
 *
 * <p>A field that does not apply to the event, or that Tarsier does not support, renders as
 * {@code <NA>} as Falco prints it. {@code %container.info} expands to the container id, name and
 * image.
 */
final class OutputTemplate {

    /** {@code %field}, {@code %field[arg]} or {@code %(field)}; group 1 or 2 is the field. */
    private static final Pattern REFERENCE = Pattern.compile("%(?:\\(([^)\\s]+)\\)|"
            + "([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z0-9_]+)+(?:\\[[^\\]]*\\])?))");
    private static final String NOT_AVAILABLE = "<NA>";
    private static final String CONTAINER_INFO =
            "container_id=%container.id container_name=%container.name"
                    + " container_image=%container.image";

    private final List<String> literals = new ArrayList<>();
    private final List<FieldRef> fields = new ArrayList<>();
    private final List<String> unsupported = new ArrayList<>();

    private OutputTemplate() {
    }

    /** Compiles {@code output}; unknown or unsupported fields are listed by {@link #unsupported}. */
    static OutputTemplate compile(String output, Location location) {
        OutputTemplate template = new OutputTemplate();
        String text = output.replace("%container.info", CONTAINER_INFO)
                .replace("%k8s.info", "k8s_pod_name=%k8s.pod.name k8s_ns_name=%k8s.ns.name");
        Matcher matcher = REFERENCE.matcher(text);
        int last = 0;
        while (matcher.find()) {
            String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
            FieldRef field;
            try {
                field = FieldRef.resolve(name, location);
            } catch (UnsupportedFieldException | RuleException e) {
                template.unsupported.add(name);
                field = null;
            }
            template.literals.add(text.substring(last, matcher.start()));
            template.fields.add(field);
            last = matcher.end();
        }
        template.literals.add(text.substring(last));
        return template;
    }

    /** Returns output field names that render as {@code <NA>} for every event. */
    List<String> unsupported() {
        return unsupported;
    }

    /** Renders the message for the event in {@code context}. */
    String render(EvalContext context) {
        StringBuilder message = new StringBuilder(literals.get(0));
        for (int i = 0; i < fields.size(); i++) {
            FieldRef field = fields.get(i);
            message.append(field == null ? NOT_AVAILABLE : format(field.read(context)));
            message.append(literals.get(i + 1));
        }
        return message.toString();
    }

    /** Returns the values of the referenced fields by name, as Falco's output_fields. */
    Map<String, Object> values(EvalContext context) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (FieldRef field : fields) {
            if (field != null) {
                Object value = field.read(context);
                values.put(field.text(), value == null ? NOT_AVAILABLE : value);
            }
        }
        return values;
    }

    private static String format(Object value) {
        if (value == null) {
            return NOT_AVAILABLE;
        }
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        String text = value.toString();
        return text.isEmpty() ? NOT_AVAILABLE : text;
    }
}
