package org.tarsier.detector.rules.internal.eval;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tarsier.detector.rules.internal.load.ThresholdDef;

/**
 * Sliding-window counts of a threshold rule, per group.
 *
 * <p>A group fires once when its count reaches the threshold, and fires again only after its
 * count fell below the threshold. Each group keeps at most {@code count} entries, and at most
 * {@link #MAX_GROUPS} groups are kept (least recently used dropped first). Not thread-safe.
 */
final class ThresholdState {

    static final int MAX_GROUPS = 10_000;

    private final ThresholdDef def;
    private final List<FieldRef> by;
    private final FieldRef distinct;
    private final long windowNanos;
    private final Map<String, Group> groups = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Group> eldest) {
            return size() > MAX_GROUPS;
        }
    };

    ThresholdState(ThresholdDef def, List<FieldRef> by, FieldRef distinct) {
        this.def = def;
        this.by = List.copyOf(by);
        this.distinct = distinct;
        this.windowNanos = def.window().toNanos();
    }

    ThresholdDef def() {
        return def;
    }

    /** Adds a matching event; returns the count when this event crossed the threshold, else -1. */
    long offer(EvalContext context) {
        long now = context.event().header().timeNanos();
        Group group = groups.computeIfAbsent(key(context), k -> new Group());
        long count;
        if (distinct == null) {
            count = group.addEvent(now, windowNanos, def.count());
        } else {
            Object value = distinct.read(context);
            if (value == null) {
                return -1;
            }
            count = group.addDistinct(String.valueOf(value), now, windowNanos, def.count());
        }
        if (count < def.count()) {
            group.fired = false;
            return -1;
        }
        if (group.fired) {
            return -1;
        }
        group.fired = true;
        return count;
    }

    /** Returns the group key, the values of the {@code by} fields joined. */
    String key(EvalContext context) {
        StringBuilder key = new StringBuilder();
        for (FieldRef field : by) {
            key.append(field.read(context)).append('\u0000');
        }
        return key.toString();
    }

    private static final class Group {
        private final ArrayDeque<Long> times = new ArrayDeque<>();
        private final LinkedHashMap<String, Long> lastSeen = new LinkedHashMap<>();
        private boolean fired;

        long addEvent(long now, long window, long limit) {
            times.addLast(now);
            while (!times.isEmpty() && times.peekFirst() <= now - window) {
                times.pollFirst();
            }
            while (times.size() > limit) {
                times.pollFirst();
            }
            return times.size();
        }

        long addDistinct(String value, long now, long window, long limit) {
            lastSeen.remove(value);
            lastSeen.put(value, now);
            Iterator<Long> oldest = lastSeen.values().iterator();
            while (oldest.hasNext()) {
                long seen = oldest.next();
                if (seen > now - window && lastSeen.size() <= limit) {
                    break;
                }
                oldest.remove();
            }
            return lastSeen.size();
        }
    }
}
