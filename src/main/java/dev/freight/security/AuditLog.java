package dev.freight.security;

/** Where audit events go (the job store's audit table). */
@FunctionalInterface
public interface AuditLog {
    AuditLog NONE = event -> { };

    void record(AuditEvent event);
}
