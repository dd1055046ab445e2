package org.tarsier.probe.tcp.internal;

/**
 * Textual IP addresses: dotted quads for IPv4 and the compressed form of RFC 5952 for IPv6.
 * IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are shown as IPv4.
 */
final class Addresses {

    private static final int IPV4_SIZE = 4;
    private static final int IPV6_SIZE = 16;

    private Addresses() {
    }

    /**
     * Returns whether a pair of IPv6 addresses is an IPv4 connection on a dual-stack socket: each
     * is IPv4-mapped or unspecified, and at least one is IPv4-mapped.
     */
    static boolean isIpv4Pair(byte[] local, byte[] remote) {
        boolean fits = fitsIpv4(local) && fitsIpv4(remote);
        return fits && (isIpv4Mapped(local) || isIpv4Mapped(remote));
    }

    /** Returns the last four bytes of an IPv4-mapped IPv6 address, or 0.0.0.0 for ::. */
    static byte[] ipv4Of(byte[] ipv6) {
        byte[] ipv4 = new byte[IPV4_SIZE];
        System.arraycopy(ipv6, IPV6_SIZE - IPV4_SIZE, ipv4, 0, IPV4_SIZE);
        return ipv4;
    }

    /** Formats 4 bytes as an IPv4 address and 16 bytes as an IPv6 address. */
    static String format(byte[] address) {
        if (address.length == IPV4_SIZE) {
            return (address[0] & 0xFF) + "." + (address[1] & 0xFF) + "." + (address[2] & 0xFF)
                    + "." + (address[3] & 0xFF);
        }
        if (address.length != IPV6_SIZE) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not "
                    + address.length);
        }
        return formatIpv6(address);
    }

    /** Returns whether every byte is zero. */
    static boolean isUnspecified(byte[] address) {
        for (byte b : address) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean fitsIpv4(byte[] ipv6) {
        return isUnspecified(ipv6) || isIpv4Mapped(ipv6);
    }

    private static boolean isIpv4Mapped(byte[] ipv6) {
        for (int i = 0; i < 10; i++) {
            if (ipv6[i] != 0) {
                return false;
            }
        }
        return ipv6[10] == (byte) 0xFF && ipv6[11] == (byte) 0xFF;
    }

    /** Compresses the longest run of two or more zero groups, the first of equal runs. */
    private static String formatIpv6(byte[] address) {
        int[] groups = new int[8];
        for (int i = 0; i < groups.length; i++) {
            groups[i] = ((address[2 * i] & 0xFF) << 8) | (address[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; i++) {
            int length = 0;
            while (i + length < groups.length && groups[i + length] == 0) {
                length++;
            }
            if (length > bestLength) {
                bestStart = i;
                bestLength = length;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < groups.length; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
