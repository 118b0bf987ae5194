/**
 * Who is calling: principals, API keys (configured and stored), the node admin key, web UI sessions, signed download
 * links and the secret files behind them. Uses {@code config}, {@code store} and {@code error}; never what a
 * principal may export ({@code access}) or the audit log.
 */
package dev.freight.auth;
