package com.helix.migrations.target;

import com.helix.migrations.exceptions.InvalidRequestException;
import com.helix.migrations.text.Printable;
import java.util.regex.Pattern;

/**
 * The shapes an identifier may take. The id rule ({@link #ID})
 * is applied once, to the registry row: a row whose id breaks it is a failed target in every path. An
 * id given in a request or a filter only has to be something that can be looked up; it is bound as a
 * parameter, never made part of SQL text.
 */
public final class Ids {
    /** Tenant and product ids: a letter or digit, then letters, digits, {@code _ . : -}; at most 128. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
    /** Product types name a migrations folder: lower case letters, digits and {@code _}; at most 63. */
    public static final Pattern PRODUCT_TYPE = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    /** Jurisdictions, as keys of JURISDICTION_REGIONS: {@code uk}, {@code eu}. */
    public static final Pattern JURISDICTION = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    /** Flyway versions, in every spelling Flyway accepts: {@code 3}, {@code 3.1}, {@code 3_1}, {@code 2024.01.15}. */
    public static final Pattern VERSION = Pattern.compile("\\d{1,18}([._]\\d{1,18}){0,7}");

    private Ids() {}

    /** The longest id looked up. */
    private static final int LONGEST_LOOKUP = 256;

    /**
     * A requested id, as far as looking it up goes: text the registry could hold (1 to 256 characters,
     * no NUL), bound as a parameter. Whether it keeps the id rule is the registry row's check
     * ({@link #problem}), so that a row breaking it fails the same way whichever path asks for it.
     */
    public static String requireId(String field, String value) {
        if (value == null || value.isEmpty() || value.length() > LONGEST_LOOKUP || value.indexOf('\0') >= 0) {
            throw new InvalidRequestException(
                    field + " must be an id of 1 to " + LONGEST_LOOKUP + " characters, not " + quote(value));
        }
        return value;
    }

    /** Why an id from the registry breaks the id rule, or null when it keeps it. */
    public static String problem(String id) {
        return id != null && ID.matcher(id).matches() ? null : "id " + quote(id) + " does not match " + ID.pattern();
    }

    public static String requireJurisdiction(String value) {
        if (value == null || !JURISDICTION.matcher(value).matches()) {
            throw new InvalidRequestException(
                    "jurisdiction must be a jurisdiction such as uk or eu, not " + quote(value));
        }
        return value;
    }

    public static String requireProductType(String value) {
        if (value == null || !PRODUCT_TYPE.matcher(value).matches()) {
            throw new InvalidRequestException(
                    "productType must match " + PRODUCT_TYPE.pattern() + ", not " + quote(value));
        }
        return value;
    }

    public static String requireVersion(String value) {
        if (value == null || !VERSION.matcher(value).matches()) {
            throw new InvalidRequestException(
                    "targetVersion must be a version such as 3, 2.1 or 2_1, not " + quote(value));
        }
        return value;
    }

    /** Quotes a user-supplied value for a one-line message: shortened, control characters escaped. */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        return "'" + Printable.of(value.length() > 60 ? value.substring(0, 60) + "…" : value) + "'";
    }
}
