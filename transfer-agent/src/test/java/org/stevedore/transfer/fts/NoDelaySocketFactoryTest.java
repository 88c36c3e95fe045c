package org.stevedore.transfer.fts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import org.junit.jupiter.api.Test;

class NoDelaySocketFactoryTest {

    @Test
    void everySocketItMakesHasNagleOff() throws Exception {
        NoDelaySocketFactory factory = new NoDelaySocketFactory();
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            try (Socket unconnected = factory.createSocket();
                 Socket byName = factory.createSocket(loopback.getHostAddress(), server.getLocalPort());
                 Socket byAddress = factory.createSocket(loopback, server.getLocalPort())) {
                unconnected.connect(new InetSocketAddress(loopback, server.getLocalPort()), 2_000);
                assertThat(unconnected.getTcpNoDelay()).isTrue();
                assertThat(byName.getTcpNoDelay()).isTrue();
                assertThat(byAddress.getTcpNoDelay()).isTrue();
            }
        }
    }

    @Test
    void theFtsClientsUseIt() {
        Fts3Config config = Fts3Config.defaults(URI.create("http://localhost:8446"));
        assertThat(Fts3HttpClients.plain(config).socketFactory()).isInstanceOf(NoDelaySocketFactory.class);
    }
}
