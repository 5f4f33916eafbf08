package com.helix.migrations.target;

import com.helix.migrations.exceptions.InvalidRequestException;
import java.util.regex.Pattern;

/**
 * The shapes an identifier may take. Checked before anything touches a database, so that a typo or an
 * injection attempt is refused with a message rather than looked up.
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

    public static String requireId(String field, String value) {
        if (value == null || !ID.matcher(value).matches()) {
            throw new InvalidRequestException(field + " must match " + ID.pattern() + ", not " + quote(value));
        }
        return value;
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
        String shown = value.length() > 60 ? value.substring(0, 60) + "…" : value;
        StringBuilder out = new StringBuilder("'");
        shown.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append('\'').toString();
    }
}
