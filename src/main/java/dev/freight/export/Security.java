package dev.freight.export;

import dev.freight.auth.ApiKeyCheck;
import dev.freight.auth.Sessions;
import dev.freight.auth.LinkSigner;
import dev.freight.access.AccessPolicy;
import dev.freight.access.Limits;
import dev.freight.audit.AuditLog;
import java.util.Objects;

/**
 * Everything the API and the workers need to decide who may do what: authentication, permissions, limits, signed
 * links, the audit log and the web UI's sessions, built once from the config and handed to the server and the
 * worker pool.
 */
public record Security(ApiKeyCheck keys, AccessPolicy access, Limits limits, LinkSigner links, AuditLog audit,
                       Sessions sessions) {

    public Security {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(links, "links");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(sessions, "sessions");
    }

    /** Without browser sessions: only API keys and signed links get in. */
    public Security(ApiKeyCheck keys, AccessPolicy access, Limits limits, LinkSigner links, AuditLog audit) {
        this(keys, access, limits, links, audit, Sessions.disabled());
    }

    /** Only authentication: no roles, no limits, no links, nothing audited. */
    public static Security of(ApiKeyCheck keys) {
        return new Security(keys, AccessPolicy.unrestricted(), Limits.unlimited(), LinkSigner.disabled(), AuditLog.NONE);
    }

    public Security withKeys(ApiKeyCheck k) {
        return new Security(k, access, limits, links, audit, sessions);
    }

    public Security withLinks(LinkSigner l) {
        return new Security(keys, access, limits, l, audit, sessions);
    }

    public Security withAudit(AuditLog a) {
        return new Security(keys, access, limits, links, a, sessions);
    }

    public Security withAccess(AccessPolicy a) {
        return new Security(keys, a, limits, links, audit, sessions);
    }

    public Security withSessions(Sessions s) {
        return new Security(keys, access, limits, links, audit, s);
    }
}
