/**
 * The REST API and the web UI's files on Javalin: routes, problem+json errors, sync streaming, SSE progress,
 * downloads with ranges, signed links, sessions, OpenAPI, health and metrics. Uses every layer below; only
 * {@code cli} uses it.
 */
package dev.freight.http;
