package dev.freight.visual;

/** The browser crashed, hung or could not be started: it is replaced and the render tried again. */
final class BrowserFailure extends RuntimeException {
    BrowserFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
