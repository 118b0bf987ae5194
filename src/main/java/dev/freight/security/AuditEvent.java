package dev.freight.security;

/** One audited action. Stub: the audit work defines its fields. */
public record AuditEvent(String action, String principal) {
}
