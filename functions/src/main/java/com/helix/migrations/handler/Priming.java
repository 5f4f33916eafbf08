package com.helix.migrations.handler;

import com.helix.migrations.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart priming: work done once before the snapshot is taken, so restored containers start warm.
 * Priming loads and initialises classes and reads the packaged migrations; it never opens a database
 * connection or calls AWS, since a snapshot must not hold live connections or credentials.
 */
final class Priming implements Resource {
    private final Runnable prime;

    private Priming(Runnable prime) {
        this.prime = prime;
    }

    /** Registers the work with the runtime; outside SnapStart the hook simply never runs. */
    static Priming register(Runnable prime) {
        Priming priming = new Priming(prime);
        Core.getGlobalContext().register(priming);
        return priming;
    }

    /** Reads one event into its request type and writes it back: loads Jackson's classes for both. */
    static void event(Class<?> type, String event) {
        try {
            Json.MAPPER.writeValueAsBytes(Json.MAPPER.readValue(event, type));
        } catch (IOException e) {
            throw new UncheckedIOException("priming event " + event, e);
        }
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime.run();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to renew: connections and secrets are fetched on first use after restore.
    }
}
