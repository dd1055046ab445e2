package org.tarsier.exporter.internal.jsonl;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** The Gson settings of {@link JsonlOutput}, for tests that render without the component. */
final class JsonlOutputTestSupport {

    static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

    private JsonlOutputTestSupport() {
    }
}
