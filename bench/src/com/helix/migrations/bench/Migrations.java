package com.helix.migrations.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A realistic tenant schema history for the benchmark: 32 migrations over 8 tables, each table
 * created with seed rows, indexed (one index built concurrently), given a backfilled column, then a
 * constraint.
 */
final class Migrations {
    static final String[] TABLES = {"accounts", "contacts", "invoices", "payments", "projects", "tasks", "documents", "comments"};
    static final int COUNT = TABLES.length * 4;

    private Migrations() {
    }

    /** Writes {@code dir/tenant/V1..V32} and copies the central migrations beside them; returns {@code dir}. */
    static Path write(Path dir, Path centralSource) throws IOException {
        Path tenant = Files.createDirectories(dir.resolve("tenant"));
        Path central = Files.createDirectories(dir.resolve("central"));
        try (Stream<Path> files = Files.list(centralSource)) {
            for (Path file : files.toList()) {
                Files.copy(file, central.resolve(file.getFileName()));
            }
        }
        int version = 1;
        for (int i = 0; i < TABLES.length; i++) {
            String t = TABLES[i];
            Files.writeString(tenant.resolve("V" + version++ + "__create_" + t + ".sql"), """
                    create table %1$s (
                        id         bigint generated always as identity primary key,
                        name       text not null,
                        owner_id   bigint,
                        amount     numeric(12, 2) not null default 0,
                        created_at timestamptz not null default now()
                    );
                    insert into %1$s (name, owner_id, amount)
                    select '%1$s ' || n, n %% 17, (n * 7) %% 1000 from generate_series(1, 200) n;
                    """.formatted(t));
            Files.writeString(tenant.resolve("V" + version++ + "__index_" + t + ".sql"), i == 3
                    ? "drop index concurrently if exists %1$s_owner_idx;\ncreate index concurrently %1$s_owner_idx on %1$s (owner_id, created_at);\n".formatted(t)
                    : "create index %1$s_owner_idx on %1$s (owner_id, created_at);\n".formatted(t));
            Files.writeString(tenant.resolve("V" + version++ + "__" + t + "_status_backfill.sql"), """
                    alter table %1$s add column status text;
                    update %1$s set status = case when amount > 500 then 'large' else 'small' end;
                    alter table %1$s alter column status set not null;
                    """.formatted(t));
            Files.writeString(tenant.resolve("V" + version++ + "__" + t + "_constraints.sql"), """
                    alter table %1$s add constraint %1$s_amount_positive check (amount >= 0);
                    alter table %1$s add constraint %1$s_status_known check (status in ('large', 'small'));
                    """.formatted(t));
        }
        return dir;
    }

    /** The tenant migrations in version order. */
    static List<Path> tenantFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("tenant"))) {
            return files.sorted((a, b) -> Integer.compare(version(a), version(b))).toList();
        }
    }

    private static int version(Path file) {
        String name = file.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }
}
