package org.tarsier.injector.scenario;

/**
 * Where a scenario runs: a new container from an image, or an existing container found by name
 * or by label.
 *
 * @param type how the container is found
 * @param value image reference, container name, or label as {@code key=value}
 */
public record Target(Type type, String value) {

    /** How the container of a scenario is found. */
    public enum Type {
        /** A new container the injector creates, with the limits, and removes afterwards. */
        NEW,
        /** A running container with this name; it keeps its own limits. */
        NAME,
        /** The first running container carrying this label; it keeps its own limits. */
        LABEL
    }

    /** Returns a target of a new container from {@code image}. */
    public static Target newContainer(String image) {
        return new Target(Type.NEW, image);
    }

    @Override
    public String toString() {
        return switch (type) {
            case NEW -> "new container from " + value;
            case NAME -> "container named " + value;
            case LABEL -> "container labelled " + value;
        };
    }
}
