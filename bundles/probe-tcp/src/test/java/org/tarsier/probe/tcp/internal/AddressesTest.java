package org.tarsier.probe.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AddressesTest {

    @ParameterizedTest
    @CsvSource({
        "::, ::",
        "::1, ::1",
        "1::, 1::",
        "2001:db8::1, 2001:db8::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "fe80:0:0:0:a:b:c:d, fe80::a:b:c:d",
        "2001:DB8:AAAA:0:0:0:0:0, 2001:db8:aaaa::",
    })
    void ipv6IsCompressedAsRfc5952(String input, String expected) throws Exception {
        byte[] address = InetAddress.getByName(input).getAddress();

        assertEquals(expected, Addresses.format(address));
    }

    @Test
    void ipv4IsDottedQuad() {
        assertEquals("192.0.2.255", Addresses.format(new byte[] {(byte) 192, 0, 2, (byte) 255}));
    }

    @Test
    void otherLengthsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Addresses.format(new byte[5]));
    }

    @Test
    void mappedPairIsIpv4() throws Exception {
        byte[] mapped = mapped(127, 0, 0, 1);
        byte[] unspecified = new byte[16];
        byte[] loopback6 = InetAddress.getByName("::1").getAddress();

        assertTrue(Addresses.isIpv4Pair(mapped, mapped), "mapped and mapped");
        assertTrue(Addresses.isIpv4Pair(mapped, unspecified), "mapped listener");
        assertFalse(Addresses.isIpv4Pair(unspecified, unspecified), "dual-stack listener on ::");
        assertFalse(Addresses.isIpv4Pair(loopback6, loopback6), "::1 pair");
        assertFalse(Addresses.isIpv4Pair(mapped, loopback6), "mapped to ::1");
        assertArrayEquals(new byte[] {127, 0, 0, 1}, Addresses.ipv4Of(mapped));
    }

    static byte[] mapped(int a, int b, int c, int d) {
        byte[] address = new byte[16];
        address[10] = (byte) 0xFF;
        address[11] = (byte) 0xFF;
        address[12] = (byte) a;
        address[13] = (byte) b;
        address[14] = (byte) c;
        address[15] = (byte) d;
        return address;
    }
}
