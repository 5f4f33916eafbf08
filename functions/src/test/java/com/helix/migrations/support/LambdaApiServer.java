package com.helix.migrations.support;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.helix.migrations.json.Json;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The Lambda Invoke API ({@code POST /2015-03-31/functions/{name}/invocations}) on a local port,
 * calling the real handler classes, as the Lambda service would: a thrown exception becomes a
 * function error ({@code X-Amz-Function-Error: Unhandled}) whose type is the exception's class name. A
 * handler may be registered for one version ({@code name:7}), as a published version would be deployed.
 * Counts concurrent invocations per function, and can fail chosen calls first.
 */
public final class LambdaApiServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, RequestStreamHandler> functions;
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> peak = new ConcurrentHashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile Function<String, RuntimeException> interceptor = body -> null;

    public LambdaApiServer(Map<String, RequestStreamHandler> functions) {
        this.functions = Map.copyOf(functions);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/2015-03-31/functions/", this::invoke);
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Called with each invocation's "name payload"; a non-null exception is thrown instead of calling the handler. */
    public void intercept(Function<String, RuntimeException> interceptor) {
        this.interceptor = interceptor;
    }

    /** The most invocations of this function that were running at the same moment. */
    public int peakConcurrency(String function) {
        return peak.getOrDefault(function, new AtomicInteger()).get();
    }

    /** Every invocation, as "function payload", in arrival order. */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    public void reset() {
        calls.clear();
        peak.clear();
        interceptor = body -> null;
    }

    private void invoke(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String encoded = path.substring("/2015-03-31/functions/".length(), path.length() - "/invocations".length());
        String arn = URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        // A qualified ARN (a published version, an alias) reaches the handler registered as name:qualifier, if
        // any; otherwise the one registered by name.
        String qualified = arn.replaceFirst("^arn:aws:lambda:[^:]*:[^:]*:function:", "");
        String name = functions.containsKey(qualified) ? qualified : qualified.replaceFirst(":.*", "");
        byte[] payload = exchange.getRequestBody().readAllBytes();
        RequestStreamHandler function = functions.get(name);
        if (function == null) {
            respond(
                    exchange,
                    404,
                    Map.of("x-amzn-ErrorType", "ResourceNotFoundException"),
                    "{\"Type\":\"User\",\"message\":\"Function not found: " + name + "\"}");
            return;
        }
        String call = name + " " + new String(payload, StandardCharsets.UTF_8);
        calls.add(call);
        AtomicInteger running = inFlight.computeIfAbsent(name, n -> new AtomicInteger());
        int now = running.incrementAndGet();
        peak.computeIfAbsent(name, n -> new AtomicInteger()).accumulateAndGet(now, Math::max);
        try {
            RuntimeException injected = interceptor.apply(call);
            if (injected != null) {
                throw injected;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            function.handleRequest(new ByteArrayInputStream(payload), out, null);
            respond(exchange, 200, Map.of(), out.toString(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            String error = Json.MAPPER
                    .createObjectNode()
                    .put("errorMessage", e.getMessage())
                    .put("errorType", e.getClass().getName())
                    .toString();
            respond(exchange, 200, Map.of("X-Amz-Function-Error", "Unhandled"), error);
        } finally {
            running.decrementAndGet();
        }
    }

    private static void respond(HttpExchange exchange, int status, Map<String, String> headers, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
