/**
 * Pictures of charts and reports: headless Chromium driven over the DevTools protocol, a pool of browsers, the
 * loopback-only render page and its single-use tokens. Implements {@link dev.freight.export.Renderer}.
 */
package dev.freight.visual;
