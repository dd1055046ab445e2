package org.tarsier.api.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageReferenceTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "nginx                                  | nginx                | latest | ''",
        "nginx:1.25                             | nginx                | 1.25   | ''",
        "tarsier/busybox:dev                    | tarsier/busybox      | dev    | ''",
        "localhost:5000/app                     | localhost:5000/app   | latest | ''",
        "localhost:5000/app:2                   | localhost:5000/app   | 2      | ''",
        "app@sha256:ab12                        | app                  | ''     | sha256:ab12",
        "r.io:443/a/b:v1@sha256:ab12            | r.io:443/a/b         | v1     | sha256:ab12",
        "sha256:ab12                            | ''                   | ''     | ''",
        "dbb7ffa5e4e9dbb7ffa5e4e9dbb7ffa5e4e9dbb7ffa5e4e9dbb7ffa5e4e9dbb7 | '' | '' | ''",
        "dbb7ffa5e4e9                           | dbb7ffa5e4e9         | latest | ''",
        "''                                     | ''                   | ''     | ''"
    })
    void imageReferenceSplit(String image, String repository, String tag, String digest) {
        ImageReference parsed = ImageReference.parse(image);

        assertEquals(repository, parsed.repository(), "repository of " + image);
        assertEquals(tag, parsed.tag(), "tag of " + image);
        assertEquals(digest, parsed.digest(), "digest of " + image);
    }
}
