package org.tarsier.exporter.internal.jsonl;

/**
 * Parts of a container image reference such as {@code registry:5000/team/app:1.2@sha256:ab…}.
 *
 * @param repository the reference without tag and digest, e.g. {@code registry:5000/team/app}
 * @param tag the tag, e.g. {@code 1.2}, or empty
 * @param digest the digest, e.g. {@code sha256:ab…}, or empty
 */
record ImageReference(String repository, String tag, String digest) {

    /**
     * Splits {@code image}. A bare image id such as {@code sha256:ab…}, which Docker reports for
     * a container started from an id, has only a digest.
     */
    static ImageReference parse(String image) {
        if (image.startsWith("sha256:")) {
            return new ImageReference("", "", image);
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
        return new ImageReference(rest, "", digest);
    }
}
