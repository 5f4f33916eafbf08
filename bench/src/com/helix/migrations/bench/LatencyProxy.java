package com.helix.migrations.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy in front of PostgreSQL that delays every byte by a fixed time in each direction, so a tool on
 * loopback sees what a Lambda beside RDS sees (0.5 ms each way: 1 ms a round trip). It also counts, over every
 * connection, the round trips (each time a client speaks again after the server answered) and the statements
 * (the protocol's simple Query and extended Execute messages).
 */
final class LatencyProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final String host;
    private final int port;
    private final long delayNanos;
    private final AtomicLong roundTrips = new AtomicLong();
    private final AtomicLong statements = new AtomicLong();

    LatencyProxy(String host, int port, double delayMillis) throws IOException {
        this.host = host;
        this.port = port;
        this.delayNanos = (long) (delayMillis * 1_000_000);
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "latency-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Round trips and statements since the last call. */
    long[] takeCounts() {
        return new long[] {roundTrips.getAndSet(0), statements.getAndSet(0)};
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(host, port);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                // Whose turn it is: a client chunk after a server chunk starts a round trip.
                boolean[] serverSpoke = {true};
                WireCounter counter = new WireCounter();
                pump(client, server, chunk -> {
                    synchronized (serverSpoke) {
                        if (serverSpoke[0]) {
                            roundTrips.incrementAndGet();
                            serverSpoke[0] = false;
                        }
                    }
                    statements.addAndGet(counter.count(chunk));
                });
                pump(server, client, chunk -> {
                    synchronized (serverSpoke) {
                        serverSpoke[0] = true;
                    }
                });
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    System.err.println("latency proxy: " + e.getMessage());
                }
            }
        }
    }

    /** Reads from one socket and writes to the other {@code delay} later, in order. */
    private void pump(Socket from, Socket to, java.util.function.Consumer<byte[]> seen) {
        LinkedBlockingQueue<Object[]> queue = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[65536];
            try (InputStream in = from.getInputStream()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    byte[] chunk = Arrays.copyOf(buffer, n);
                    seen.accept(chunk);
                    queue.put(new Object[] {System.nanoTime() + delayNanos, chunk});
                }
            } catch (IOException | InterruptedException e) {
                // the connection ended
            }
            queue.add(new Object[] {0L, null});
        });
        Thread writer = new Thread(() -> {
            try (OutputStream out = to.getOutputStream()) {
                while (true) {
                    Object[] next = queue.take();
                    if (next[1] == null) {
                        break;
                    }
                    long wait = (long) next[0] - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    out.write((byte[]) next[1]);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the connection ended
            }
            try {
                to.shutdownOutput();
            } catch (IOException e) {
                // closed already
            }
        });
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    /** Counts Query ('Q') and Execute ('E') messages in a client's byte stream, after its startup message. */
    private static final class WireCounter {
        private boolean started;
        private int skip;
        private final byte[] header = new byte[5];
        private int have;

        long count(byte[] chunk) {
            long found = 0;
            int i = 0;
            while (i < chunk.length) {
                if (skip > 0) {
                    int n = Math.min(skip, chunk.length - i);
                    skip -= n;
                    i += n;
                    continue;
                }
                int need = started ? 5 : 4;
                header[have++] = chunk[i++];
                if (have < need) {
                    continue;
                }
                have = 0;
                if (!started) {
                    int length = readInt(header, 0);
                    skip = length - 4;
                    // An SSL or GSS request is answered with one byte, then the real startup message follows.
                    started = length != 8;
                } else {
                    if (header[0] == 'Q' || header[0] == 'E') {
                        found++;
                    }
                    skip = readInt(header, 1) - 4;
                }
            }
            return found;
        }

        private static int readInt(byte[] b, int at) {
            return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
