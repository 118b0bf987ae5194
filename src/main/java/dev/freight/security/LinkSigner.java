package dev.freight.security;

/** Signs and verifies short-lived download links. Stub until signed links arrive. */
public final class LinkSigner {
    private static final LinkSigner DISABLED = new LinkSigner();

    private LinkSigner() {
    }

    public static LinkSigner disabled() {
        return DISABLED;
    }
}
