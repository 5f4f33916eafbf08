package com.helix.migrations.registry;

import com.helix.migrations.target.Target;
import java.util.List;

/** One page of a listing; {@code next} is null on the last page. */
public record TargetPage(List<Target> items, TargetQuery.Cursor next) {}
