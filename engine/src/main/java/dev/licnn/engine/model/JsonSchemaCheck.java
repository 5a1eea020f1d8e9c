package dev.licnn.engine.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a JSON document against one of the model folder's JSON Schemas ({@code model.schema.json},
 * {@code labels.schema.json}, shipped beside this class), so that the documented schema is the rule
 * that is applied. It implements the keywords those schemas use: {@code type}, {@code enum}, {@code
 * properties}, {@code required}, {@code additionalProperties} (boolean), {@code items}, {@code
 * minItems}, {@code maxItems}, {@code minimum}, {@code exclusiveMinimum}, {@code minLength}, {@code
 * oneOf} and local {@code $ref}s; the others are ignored.
 *
 * <pre>{@code
 * JsonSchemaCheck.MODEL.check(json, "models/vgg16/model.json");  // ModelFormatException on a violation
 * }</pre>
 */
final class JsonSchemaCheck {

    /** The schema of {@code model.json}. */
    static final JsonSchemaCheck MODEL = load("model.schema.json");

    /** The schema of {@code labels.json}. */
    static final JsonSchemaCheck LABELS = load("labels.schema.json");

    private final JsonObject root;

    private JsonSchemaCheck(JsonObject root) {
        this.root = root;
    }

    private static JsonSchemaCheck load(String resource) {
        InputStream in = JsonSchemaCheck.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException(resource + " is not on the classpath");
        }
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return new JsonSchemaCheck(JsonParser.parseReader(r).getAsJsonObject());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param doc the document
     * @param where file name for the message
     * @throws ModelFormatException naming the first violation: its JSON pointer, what the schema
     *     expects and what was found
     */
    void check(JsonElement doc, String where) throws ModelFormatException {
        String problem = violation(root, doc, "");
        if (problem != null) {
            throw new ModelFormatException(where + ": " + problem);
        }
    }

    /** The first violation of {@code schema} by {@code v}, or null. */
    private String violation(JsonObject schema, JsonElement v, String at) {
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").getAsString();
            JsonElement target = root;
            for (String part : ref.substring(2).split("/")) {
                target = target.getAsJsonObject().get(part);
            }
            return violation(target.getAsJsonObject(), v, at);
        }
        if (schema.has("oneOf")) {
            List<String> alternatives = new ArrayList<>();
            String closest = null;
            for (JsonElement alt : schema.getAsJsonArray("oneOf")) {
                String p = violation(alt.getAsJsonObject(), v, at);
                if (p == null) {
                    return null;
                }
                alternatives.add(expectation(alt.getAsJsonObject()));
                if (alt.getAsJsonObject().has("type") && typeMatches(alt.getAsJsonObject(), v)) {
                    closest = p;
                }
            }
            return closest != null
                    ? closest
                    : place(at)
                            + "expected "
                            + String.join(" or ", alternatives)
                            + ", found "
                            + shown(v);
        }
        if (schema.has("type") && !typeMatches(schema, v)) {
            return place(at) + "expected " + expectation(schema) + ", found " + shown(v);
        }
        if (schema.has("enum")) {
            boolean ok = false;
            for (JsonElement e : schema.getAsJsonArray("enum")) {
                ok |= e.equals(v);
            }
            if (!ok) {
                return place(at) + "expected " + expectation(schema) + ", found " + shown(v);
            }
        }
        if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()) {
            double d = v.getAsDouble();
            if (schema.has("minimum") && d < schema.get("minimum").getAsDouble()) {
                return place(at) + "must be at least " + schema.get("minimum") + ", found " + v;
            }
            if (schema.has("exclusiveMinimum")
                    && d <= schema.get("exclusiveMinimum").getAsDouble()) {
                return place(at)
                        + "must be more than "
                        + schema.get("exclusiveMinimum")
                        + ", found "
                        + v;
            }
        }
        if (v.isJsonPrimitive()
                && v.getAsJsonPrimitive().isString()
                && schema.has("minLength")
                && v.getAsString().length() < schema.get("minLength").getAsInt()) {
            return place(at) + "must not be empty";
        }
        if (v.isJsonArray()) {
            JsonArray a = v.getAsJsonArray();
            if (schema.has("minItems") && a.size() < schema.get("minItems").getAsInt()) {
                return place(at) + "needs at least " + schema.get("minItems") + " item(s)";
            }
            if (schema.has("maxItems") && a.size() > schema.get("maxItems").getAsInt()) {
                return place(at) + "takes at most " + schema.get("maxItems") + " item(s)";
            }
            if (schema.has("items")) {
                for (int i = 0; i < a.size(); i++) {
                    String p = violation(schema.getAsJsonObject("items"), a.get(i), at + "/" + i);
                    if (p != null) {
                        return p;
                    }
                }
            }
        }
        if (v.isJsonObject()) {
            JsonObject o = v.getAsJsonObject();
            JsonObject props =
                    schema.has("properties") ? schema.getAsJsonObject("properties") : null;
            if (schema.has("required")) {
                for (JsonElement r : schema.getAsJsonArray("required")) {
                    if (!o.has(r.getAsString())) {
                        return place(at) + "missing \"" + r.getAsString() + "\"";
                    }
                }
            }
            for (Map.Entry<String, JsonElement> e : o.entrySet()) {
                if (props != null && props.has(e.getKey())) {
                    String p =
                            violation(
                                    props.getAsJsonObject(e.getKey()),
                                    e.getValue(),
                                    at + "/" + e.getKey());
                    if (p != null) {
                        return p;
                    }
                } else if (schema.has("additionalProperties")
                        && !schema.get("additionalProperties").getAsBoolean()) {
                    return place(at)
                            + "unknown key \""
                            + e.getKey()
                            + "\""
                            + (props == null ? "" : " (known: " + props.keySet() + ")");
                }
            }
        }
        return null;
    }

    private static String place(String at) {
        return at.isEmpty() ? "" : at + ": ";
    }

    private static boolean typeMatches(JsonObject schema, JsonElement v) {
        String t = schema.get("type").getAsString();
        switch (t) {
            case "object":
                return v.isJsonObject();
            case "array":
                return v.isJsonArray();
            case "string":
                return v.isJsonPrimitive() && v.getAsJsonPrimitive().isString();
            case "boolean":
                return v.isJsonPrimitive() && v.getAsJsonPrimitive().isBoolean();
            case "number":
                return v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber();
            case "integer":
                if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
                    return false;
                }
                double d = v.getAsDouble();
                return d == Math.rint(d) && Math.abs(d) < 1e15;
            default:
                throw new IllegalStateException("schema type " + t + " is not supported");
        }
    }

    private String expectation(JsonObject schema) {
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").getAsString();
            JsonElement target = root;
            for (String part : ref.substring(2).split("/")) {
                target = target.getAsJsonObject().get(part);
            }
            return expectation(target.getAsJsonObject());
        }
        if (schema.has("enum")) {
            List<String> names = new ArrayList<>();
            for (JsonElement e : schema.getAsJsonArray("enum")) {
                names.add(e.toString());
            }
            return names.size() == 1 ? names.get(0) : "one of " + String.join(", ", names);
        }
        if (schema.has("oneOf")) {
            List<String> alternatives = new ArrayList<>();
            for (JsonElement alt : schema.getAsJsonArray("oneOf")) {
                alternatives.add(expectation(alt.getAsJsonObject()));
            }
            return String.join(" or ", alternatives);
        }
        String t = schema.has("type") ? schema.get("type").getAsString() : "a value";
        String article = t.startsWith("a") || t.startsWith("i") || t.startsWith("o") ? "an " : "a ";
        return article + t;
    }

    private static String shown(JsonElement v) {
        if (v.isJsonObject()) {
            return "an object";
        }
        if (v.isJsonArray()) {
            return "an array";
        }
        if (v.isJsonNull()) {
            return "null";
        }
        JsonPrimitive p = v.getAsJsonPrimitive();
        String s = p.toString();
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
