package io.lvs.e2e.apiserver.jsonpath;

/** A JSONPath expression that does not parse, or an evaluation error client-go would report. */
public final class JsonPathException extends RuntimeException {

    public JsonPathException(String message) {
        super(message);
    }
}
