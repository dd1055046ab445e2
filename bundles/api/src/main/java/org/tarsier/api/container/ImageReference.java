package org.tarsier.api.container;

import java.util.Objects;

/**
 * Parts of a container image reference such as {@code registry:5000/team/app:1.2@sha256:ab…},
 * split the way Docker reads a reference.
 *
 * @param repository the reference without tag and digest, e.g. {@code registry:5000/team/app},
 *     or empty for an image id
 * @param tag the tag, e.g. {@code 1.2}; {@code latest} for a name with neither tag nor digest,
 *     because that is the image Docker runs; empty with a digest alone or for an image id
 * @param digest the digest after {@code @}, e.g. {@code sha256:ab…}, or empty
 */
public record ImageReference(String repository, String tag, String digest) {

    /** The tag Docker uses for a reference that names no tag. */
    public static final String DEFAULT_TAG = "latest";

    private static final String ID_PREFIX = "sha256:";
    private static final int FULL_ID_DIGITS = 64;

    /** Creates a reference; {@code null} parts become empty strings. */
    public ImageReference {
        repository = Objects.requireNonNullElse(repository, "");
        tag = Objects.requireNonNullElse(tag, "");
        digest = Objects.requireNonNullElse(digest, "");
    }

    /**
     * Splits {@code image} as {@link ContainerInfo#image()} reports it. An image id such as
     * {@code sha256:ab…}, which Docker reports for a container started from an id, is no
     * reference: all its parts are empty. So are those of 64 hex digits without the prefix,
     * which Docker never takes as a name, and of an empty image.
     */
    public static ImageReference parse(String image) {
        if (image == null || image.isEmpty() || image.startsWith(ID_PREFIX)
                || isFullHexId(image)) {
            return new ImageReference("", "", "");
        }
        String digest = "";
        String rest = image;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
        }
        // A colon after the last slash starts the tag. One before it belongs to a registry port.
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            return new ImageReference(rest.substring(0, colon), rest.substring(colon + 1), digest);
        }
        return new ImageReference(rest, digest.isEmpty() ? DEFAULT_TAG : "", digest);
    }

    private static boolean isFullHexId(String image) {
        return image.length() == FULL_ID_DIGITS && image.chars().allMatch(
                c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }
}
