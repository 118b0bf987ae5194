package dev.freight.delivery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Which addresses a webhook may not reach unless {@code webhooks.allow_private_addresses} is true: anything that is
 * not a public unicast address, so that a URL cannot make Freight call into its own network (SSRF): loopback,
 * unspecified, private (RFC 1918), carrier-grade NAT, link-local (cloud metadata at 169.254.169.254), unique-local
 * IPv6, multicast, and the reserved and benchmarking ranges.
 */
public final class Addresses {
    private Addresses() {
    }

    public static boolean isPrivate(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int o0 = b[0] & 0xff;
            int o1 = b[1] & 0xff;
            return o0 == 0                                  // "this network"
                    || (o0 == 100 && (o1 & 0xc0) == 64)     // 100.64.0.0/10, carrier-grade NAT
                    || (o0 == 192 && o1 == 0 && (b[2] & 0xff) == 0)   // 192.0.0.0/24, protocol assignments
                    || (o0 == 198 && (o1 & 0xfe) == 18)     // 198.18.0.0/15, benchmarking
                    || o0 >= 240;                           // reserved and broadcast
        }
        if (a instanceof Inet6Address) {
            int o0 = b[0] & 0xff;
            if ((o0 & 0xfe) == 0xfc) return true;           // fc00::/7, unique local
            // ::ffff:a.b.c.d arrives as an Inet4Address; IPv4-compatible ::a.b.c.d and NAT64 64:ff9b::/96 do not.
            boolean compatible = true;
            for (int i = 0; i < 12; i++) compatible &= b[i] == 0;
            boolean nat64 = o0 == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
            for (int i = 4; i < 12 && nat64; i++) nat64 = b[i] == 0;
            if (compatible || nat64) {
                try {
                    return isPrivate(InetAddress.getByAddress(new byte[]{b[12], b[13], b[14], b[15]}));
                } catch (java.net.UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }
}
