package org.tarsier.itest;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.BeforeClass;
import org.junit.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code docs/configuration.md} documents every property of every configuration PID: each
 * property that a built Tarsier bundle's metatype declares, with the metatype default, and each
 * property that a shipped {@code runtime/etc/PID.cfg} file sets, with the shipped value.
 *
 * <p>Runs without the agent. It reads {@code bundles/*&#47;target/*.jar}, so the bundles must be
 * built first, as {@code ./tarsier test} does before it reaches this module.
 */
public class ConfigurationDocTest {

    private static final Path ROOT =
            Path.of(System.getProperty("tarsier.home", "..")).toAbsolutePath().normalize();
    private static final Path DOC = ROOT.resolve("docs/configuration.md");
    private static final String NOT_SET = "—";
    private static final String EMPTY = "(empty)";
    private static final String HEADER = "| property | type | default | `etc` value | allowed"
            + " | live | description |";
    private static final Pattern SECTION = Pattern.compile("^### `([^`]+)`\\s*$");

    private static Map<String, Map<String, Attribute>> metatype;
    private static Map<String, Properties> shipped;
    private static Map<String, Map<String, Row>> documented;

    /** One metatype attribute definition. */
    record Attribute(String id, String type, String defaultValue, boolean multiValued,
            String description, String min, String max, List<String> options) {
    }

    /** One row of a PID's table in the configuration reference. */
    record Row(String property, String defaultValue, String shippedValue) {
    }

    @BeforeClass
    public static void readSources() throws Exception {
        metatype = readMetatype();
        shipped = readShippedFiles();
        documented = readDocument();
    }

    @Test
    public void metatypeIsFoundInBuiltBundles() {
        assertFalse("no OSGI-INF/metatype/*.xml found in " + ROOT.resolve("bundles")
                + "/*/target/*.jar; build the bundles first (mvn install -DskipTests)",
                metatype.isEmpty());
    }

    @Test
    public void everyMetatypePropertyIsDocumented() {
        List<String> problems = new ArrayList<>();
        metatype.forEach((pid, attributes) -> attributes.values().forEach(attribute -> {
            Row row = row(pid, attribute.id());
            if (row == null) {
                problems.add(missing(pid, attribute.id(), suggestedRow(pid, attribute)));
            }
        }));
        assertTrue(report("properties missing from " + DOC, problems), problems.isEmpty());
    }

    @Test
    public void documentedDefaultsMatchMetatype() {
        List<String> problems = new ArrayList<>();
        metatype.forEach((pid, attributes) -> attributes.values().forEach(attribute -> {
            Row row = row(pid, attribute.id());
            if (row != null && !sameValue(attribute, row.defaultValue())) {
                problems.add(pid + " " + attribute.id() + ": the default column says "
                        + cell(row.defaultValue()) + " but the metatype default is "
                        + cell(attribute.defaultValue()) + "; write " + cell(
                                attribute.defaultValue()) + " in the default column");
            }
        }));
        assertTrue(report("defaults that differ from the metatype", problems),
                problems.isEmpty());
    }

    @Test
    public void everyShippedValueIsDocumented() {
        List<String> problems = new ArrayList<>();
        shipped.forEach((pid, properties) -> properties.stringPropertyNames().stream().sorted()
                .forEach(key -> {
                    String value = properties.getProperty(key).strip();
                    Row row = row(pid, key);
                    if (row == null) {
                        problems.add(missing(pid, key, suggestedRow(pid, key, value)));
                    } else if (!value.equals(row.shippedValue())) {
                        problems.add(pid + " " + key + ": the `etc` value column says "
                                + cell(row.shippedValue()) + " but runtime/etc/" + pid
                                + ".cfg sets " + cell(value) + "; write " + cell(value)
                                + " in the `etc` value column");
                    }
                }));
        assertTrue(report("shipped .cfg values not documented", problems), problems.isEmpty());
    }

    @Test
    public void documentedShippedValuesExist() {
        List<String> problems = new ArrayList<>();
        documented.forEach((pid, rows) -> rows.values().forEach(row -> {
            Properties properties = shipped.get(pid);
            boolean set = properties != null && properties.getProperty(row.property()) != null;
            if (row.shippedValue() != null && !set) {
                String file = "runtime/etc/" + pid + ".cfg";
                problems.add(pid + " " + row.property() + ": the `etc` value column says "
                        + cell(row.shippedValue()) + " but " + (properties == null
                                ? "there is no " + file : file + " does not set it")
                        + "; write " + NOT_SET + " in that column");
            }
        }));
        assertTrue(report("documented .cfg values that are not shipped", problems),
                problems.isEmpty());
    }

    private static Row row(String pid, String property) {
        Map<String, Row> rows = documented.get(pid);
        return rows == null ? null : rows.get(property);
    }

    private static String missing(String pid, String property, String suggestion) {
        String section = "### `" + pid + "`";
        if (!documented.containsKey(pid)) {
            return pid + " " + property + ": no section for the PID; add a section " + section
                    + " with the table header " + HEADER + " and the row " + suggestion;
        }
        return pid + " " + property + ": no row; add under " + section + " the row "
                + suggestion;
    }

    private static String suggestedRow(String pid, Attribute attribute) {
        Properties properties = shipped.get(pid);
        String value = properties == null ? null : properties.getProperty(attribute.id());
        String type = attribute.type() + (attribute.multiValued() ? "[]" : "");
        String allowed = attribute.options().isEmpty() ? range(attribute)
                : String.join(", ", attribute.options().stream().map(o -> "`" + o + "`").toList());
        return "| `" + attribute.id() + "` | " + type + " | " + cell(attribute.defaultValue())
                + " | " + (value == null ? NOT_SET : cell(value.strip())) + " | " + allowed
                + " | LIVE (yes, next load or at activation) | " + attribute.description()
                + " |";
    }

    private static String range(Attribute attribute) {
        if (attribute.min() == null && attribute.max() == null) {
            return "ALLOWED";
        }
        return (attribute.min() == null ? "MIN" : attribute.min()) + " to "
                + (attribute.max() == null ? "MAX" : attribute.max());
    }

    private static String suggestedRow(String pid, String key, String value) {
        Attribute attribute = metatype.getOrDefault(pid, Map.of()).get(key);
        if (attribute != null) {
            return suggestedRow(pid, attribute);
        }
        return "| `" + key + "` | TYPE | " + NOT_SET + " | " + cell(value)
                + " | ALLOWED | LIVE | DESCRIPTION | (no metatype declares " + key
                + "; check its spelling)";
    }

    private static String cell(String value) {
        return value == null ? NOT_SET : value.isEmpty() ? "`" + EMPTY + "`" : "`" + value + "`";
    }

    private static String report(String title, List<String> problems) {
        return problems.size() + " " + title + ":\n  " + String.join("\n  ", problems);
    }

    /** Compares a documented default with the metatype's, by the attribute's type. */
    static boolean sameValue(Attribute attribute, String documentedValue) {
        String expected = attribute.defaultValue();
        if (expected == null || documentedValue == null) {
            return expected == null && documentedValue == null;
        }
        if (attribute.multiValued()) {
            return elements(expected).equals(elements(documentedValue));
        }
        return switch (attribute.type()) {
            case "Integer", "Long", "Short", "Byte" -> sameNumber(expected, documentedValue);
            case "Double", "Float" -> sameDouble(expected, documentedValue);
            case "Boolean" -> expected.equalsIgnoreCase(documentedValue);
            default -> expected.equals(documentedValue);
        };
    }

    private static List<String> elements(String list) {
        return Arrays.stream(list.split("(?<!\\\\),")).map(String::strip)
                .filter(element -> !element.isEmpty()).toList();
    }

    private static boolean sameNumber(String expected, String actual) {
        try {
            return new BigDecimal(expected).compareTo(new BigDecimal(actual)) == 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean sameDouble(String expected, String actual) {
        try {
            return Double.compare(Double.parseDouble(expected), Double.parseDouble(actual)) == 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Map<String, Map<String, Attribute>> readMetatype() throws Exception {
        Map<String, Map<String, Attribute>> byPid = new TreeMap<>();
        List<Path> jars;
        try (Stream<Path> modules = Files.list(ROOT.resolve("bundles"))) {
            jars = modules.map(module -> module.resolve("target")).filter(Files::isDirectory)
                    .flatMap(ConfigurationDocTest::bundleJars).sorted().toList();
        }
        for (Path jar : jars) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                for (ZipEntry entry : zip.stream().toList()) {
                    String name = entry.getName();
                    if (name.startsWith("OSGI-INF/metatype/") && name.endsWith(".xml")) {
                        try (InputStream in = zip.getInputStream(entry)) {
                            readMetatypeXml(in, byPid);
                        }
                    }
                }
            }
        }
        return byPid;
    }

    private static Stream<Path> bundleJars(Path target) {
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".jar"))
                    .filter(file -> !file.getFileName().toString()
                            .matches(".*-(tests|sources|javadoc)\\.jar"))
                    .toList().stream();
        } catch (IOException e) {
            throw new IllegalStateException("failed to list " + target, e);
        }
    }

    private static void readMetatypeXml(InputStream in, Map<String, Map<String, Attribute>> byPid)
            throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document document = factory.newDocumentBuilder().parse(in);
        Map<String, Map<String, Attribute>> byOcd = new LinkedHashMap<>();
        NodeList ocds = document.getElementsByTagNameNS("*", "OCD");
        for (int i = 0; i < ocds.getLength(); i++) {
            Element ocd = (Element) ocds.item(i);
            Map<String, Attribute> attributes = new LinkedHashMap<>();
            NodeList ads = ocd.getElementsByTagNameNS("*", "AD");
            for (int j = 0; j < ads.getLength(); j++) {
                Attribute attribute = attribute((Element) ads.item(j));
                attributes.put(attribute.id(), attribute);
            }
            byOcd.put(ocd.getAttribute("id"), attributes);
        }
        NodeList designates = document.getElementsByTagNameNS("*", "Designate");
        for (int i = 0; i < designates.getLength(); i++) {
            Element designate = (Element) designates.item(i);
            Element object = (Element) designate.getElementsByTagNameNS("*", "Object").item(0);
            String pid = designate.getAttribute("pid").isEmpty()
                    ? designate.getAttribute("factoryPid") : designate.getAttribute("pid");
            Map<String, Attribute> attributes = byOcd.get(object.getAttribute("ocdref"));
            if (attributes != null) {
                byPid.computeIfAbsent(pid, key -> new LinkedHashMap<>()).putAll(attributes);
            }
        }
    }

    private static Attribute attribute(Element ad) {
        String cardinality = ad.getAttribute("cardinality");
        return new Attribute(ad.getAttribute("id"), ad.getAttribute("type"),
                ad.hasAttribute("default") ? ad.getAttribute("default") : null,
                !cardinality.isEmpty() && !cardinality.equals("0"),
                ad.getAttribute("description"),
                ad.hasAttribute("min") ? ad.getAttribute("min") : null,
                ad.hasAttribute("max") ? ad.getAttribute("max") : null, options(ad));
    }

    private static List<String> options(Element ad) {
        List<String> values = new ArrayList<>();
        NodeList options = ad.getElementsByTagNameNS("*", "Option");
        for (int i = 0; i < options.getLength(); i++) {
            values.add(((Element) options.item(i)).getAttribute("value"));
        }
        return values;
    }

    private static Map<String, Properties> readShippedFiles() throws IOException {
        Map<String, Properties> byPid = new TreeMap<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("runtime/etc"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".cfg")).toList()) {
                Properties properties = new Properties();
                try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    properties.load(reader);
                }
                String name = file.getFileName().toString();
                byPid.put(name.substring(0, name.length() - ".cfg".length()), properties);
            }
        }
        return byPid;
    }

    private static Map<String, Map<String, Row>> readDocument() throws IOException {
        Map<String, Map<String, Row>> byPid = new TreeMap<>();
        String pid = null;
        for (String line : Files.readAllLines(DOC, StandardCharsets.UTF_8)) {
            Matcher section = SECTION.matcher(line);
            if (section.matches()) {
                pid = section.group(1);
                byPid.put(pid, new LinkedHashMap<>());
            } else if (line.startsWith("## ")) {
                pid = null;
            } else if (pid != null && line.startsWith("| `")) {
                Row row = parseRow(line);
                byPid.get(pid).put(row.property(), row);
            }
        }
        return byPid;
    }

    /** Parses {@code | `name` | type | default | etc value | allowed | live | description |}. */
    private static Row parseRow(String line) {
        String[] cells = line.substring(1).split("\\|");
        return new Row(unquote(cells[0]), value(cells[2]), value(cells[3]));
    }

    private static String value(String cell) {
        String text = cell.strip();
        if (text.equals(NOT_SET)) {
            return null;
        }
        String unquoted = unquote(text);
        return unquoted.equals(EMPTY) ? "" : unquoted;
    }

    private static String unquote(String cell) {
        String text = cell.strip();
        if (text.length() >= 2 && text.startsWith("`") && text.endsWith("`")) {
            return text.substring(1, text.length() - 1);
        }
        return text;
    }
}
