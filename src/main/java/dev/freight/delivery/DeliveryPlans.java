package dev.freight.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.freight.error.InvalidRequestException;
import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link DeliveryPlan} in JSON: read from an export request's {@code deliveries}, {@code notify_url},
 * {@code notify_email} and {@code condition} (checked for form here; what depends on the configuration, such as
 * {@code webhooks.allowed_hosts}, and on the export, such as a condition's measure, is checked by the caller), and
 * stored with its job.
 */
public final class DeliveryPlans {
    /** The export-request fields a plan is read from. */
    public static final Set<String> REQUEST_FIELDS = Set.of("deliveries", "notify_url", "notify_email", "condition");
    public static final Set<String> TYPES = Set.of("webhook", "email", "storage");
    private static final Set<String> WEBHOOK_FIELDS = Set.of("type", "url");
    private static final Set<String> EMAIL_FIELDS = Set.of("type", "to", "subject");
    private static final Set<String> STORAGE_FIELDS = Set.of("type", "target", "name");
    /** A plain address (local@domain.tld); display names and comments are not accepted. */
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@"
            + "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");
    /** What an email's subject may name; DeliveryMessages fills them in. */
    public static final Set<String> SUBJECT_PLACEHOLDERS = Set.of("dataset", "format", "rows", "status", "job", "schedule");
    private static final Pattern SUBJECT_PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_]+)}");
    private static final Pattern TARGET_NAME = Pattern.compile("[a-z0-9_-]{1,64}");
    static final int MAX_TARGETS = 20;
    static final int MAX_RECIPIENTS = 50;
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private DeliveryPlans() {
    }

    /** The plan of an export-request body (an object); {@link DeliveryPlan#NONE} when it names none. */
    public static DeliveryPlan parse(JsonNode requestBody) {
        if (requestBody == null || !requestBody.isObject()) return DeliveryPlan.NONE;
        List<DeliveryTarget> targets = new ArrayList<>();
        JsonNode deliveries = requestBody.get("deliveries");
        if (!absent(deliveries)) {
            if (!deliveries.isArray()) {
                throw invalid("deliveries", "deliveries must be an array like [{\"type\": \"webhook\", \"url\": "
                        + "\"https://hooks.example.com/freight\"}], got " + describe(deliveries));
            }
            int i = 0;
            for (JsonNode d : deliveries) targets.add(target(d, "deliveries[" + i++ + "]"));
        }
        JsonNode notifyUrl = requestBody.get("notify_url");
        if (!absent(notifyUrl)) {
            if (!notifyUrl.isTextual()) throw invalid("notify_url", "notify_url must be a string (an http or https URL), got " + describe(notifyUrl));
            targets.add(new DeliveryTarget.Webhook(url(notifyUrl.textValue(), "notify_url")));
        }
        JsonNode notifyEmail = requestBody.get("notify_email");
        if (!absent(notifyEmail)) targets.add(new DeliveryTarget.Email(addresses(notifyEmail, "notify_email"), null));
        if (targets.size() > MAX_TARGETS) {
            throw invalid("deliveries", "at most " + MAX_TARGETS + " deliveries per export, got " + targets.size());
        }
        String condition = null;
        JsonNode c = requestBody.get("condition");
        if (!absent(c)) {
            if (!c.isTextual()) {
                throw new InvalidRequestException(ProblemCode.INVALID_CONDITION, "condition", "condition must be a string "
                        + "such as \"rows > 0\", got " + describe(c));
            }
            condition = DeliveryCondition.parse(c.textValue(), "condition").toString();
        }
        return targets.isEmpty() && condition == null ? DeliveryPlan.NONE : new DeliveryPlan(targets, condition);
    }

    private static DeliveryTarget target(JsonNode d, String field) {
        if (!d.isObject()) {
            throw invalid(field, field + " must be an object like {\"type\": \"email\", \"to\": [\"ops@example.com\"]}, got "
                    + describe(d));
        }
        JsonNode typeNode = d.get("type");
        if (absent(typeNode) || !typeNode.isTextual()) {
            throw invalid(field + ".type", field + ".type must be one of " + new TreeSet<>(TYPES)
                    + (absent(typeNode) ? ", and is missing" : ", got " + describe(typeNode)));
        }
        String type = typeNode.textValue();
        return switch (type) {
            case "webhook" -> {
                only(d, WEBHOOK_FIELDS, field);
                yield new DeliveryTarget.Webhook(url(requiredString(d, "url", field), field + ".url"));
            }
            case "email" -> {
                only(d, EMAIL_FIELDS, field);
                JsonNode to = d.get("to");
                if (absent(to)) throw invalid(field + ".to", field + ".to is required: an address or a list of them");
                JsonNode subject = d.get("subject");
                String s = null;
                if (!absent(subject)) {
                    if (!subject.isTextual() || subject.textValue().isBlank() || subject.textValue().length() > 200
                            || subject.textValue().chars().anyMatch(ch -> ch < 0x20)) {
                        throw invalid(field + ".subject", field + ".subject must be a single line of 1 to 200 characters, got "
                                + describe(subject));
                    }
                    s = subject.textValue();
                    Matcher placeholder = SUBJECT_PLACEHOLDER.matcher(s);
                    while (placeholder.find()) {
                        // A typo ({row}) would be sent as written: refused as a storage name's unknown placeholder is.
                        if (!SUBJECT_PLACEHOLDERS.contains(placeholder.group(1))) {
                            throw invalid(field + ".subject", "unknown placeholder {" + placeholder.group(1) + "} in "
                                    + field + ".subject; expected " + new TreeSet<>(SUBJECT_PLACEHOLDERS));
                        }
                    }
                }
                yield new DeliveryTarget.Email(addresses(to, field + ".to"), s);
            }
            case "storage" -> {
                only(d, STORAGE_FIELDS, field);
                String target = requiredString(d, "target", field);
                if (!TARGET_NAME.matcher(target).matches()) {
                    throw invalid(field + ".target", field + ".target must name a storage target of delivery_storage "
                            + "(a-z 0-9 _ -), got \"" + target + "\"");
                }
                JsonNode nameNode = d.get("name");
                String name = StorageNames.DEFAULT;
                if (!absent(nameNode)) {
                    if (!nameNode.isTextual()) throw invalid(field + ".name", field + ".name must be a string, got " + describe(nameNode));
                    name = nameNode.textValue();
                }
                StorageNames.validate(name, field + ".name");
                yield new DeliveryTarget.Storage(target, name);
            }
            default -> throw invalid(field + ".type", Messages.unknown("delivery type", type, new TreeSet<>(TYPES)));
        };
    }

    private static void only(JsonNode d, Set<String> allowed, String field) {
        for (Iterator<String> it = d.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw invalid(field + "." + name, Messages.unknown("field", field + "." + name, new TreeSet<>(allowed))
                        + " (of a " + d.get("type").textValue() + " delivery)");
            }
        }
    }

    private static String requiredString(JsonNode d, String name, String field) {
        JsonNode n = d.get(name);
        if (absent(n) || !n.isTextual()) {
            throw invalid(field + "." + name, field + "." + name + " must be a string" + (absent(n) ? " and is missing" : ", got " + describe(n)));
        }
        return n.textValue();
    }

    /** An absolute http(s) URL with a host and no user info; the allow-list is the caller's. */
    static String url(String text, String field) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw invalid(field, field + " is not a valid URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw invalid(field, field + " must be an http or https URL, got \"" + shorten(text) + "\"");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw invalid(field, field + " has no host name: \"" + shorten(text) + "\"");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid(field, field + " must not carry a user name or password");
        }
        if (uri.getRawFragment() != null) throw invalid(field, field + " must not have a #fragment");
        if (text.length() > 2000) throw invalid(field, field + " is longer than 2000 characters");
        return text;
    }

    static List<String> addresses(JsonNode n, String field) {
        List<String> out = new ArrayList<>();
        if (n.isTextual()) {
            out.add(address(n.textValue(), field));
        } else if (n.isArray()) {
            int i = 0;
            for (JsonNode e : n) {
                String f = field + "[" + i++ + "]";
                if (!e.isTextual()) throw invalid(f, f + " must be a string (an email address), got " + describe(e));
                out.add(address(e.textValue(), f));
            }
            if (out.isEmpty()) throw invalid(field, field + " lists no address");
            if (out.size() > MAX_RECIPIENTS) throw invalid(field, field + " lists more than " + MAX_RECIPIENTS + " addresses");
        } else {
            throw invalid(field, field + " must be an email address or a list of them, got " + describe(n));
        }
        return out;
    }

    private static String address(String s, String field) {
        if (s.length() > 254 || !EMAIL.matcher(s).matches()) {
            throw invalid(field, field + " is not an email address: \"" + shorten(s) + "\" (expected name@example.com)");
        }
        return s;
    }

    /** The plan as stored with its job. */
    public static String toJson(DeliveryPlan plan) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode targets = root.putArray("targets");
        for (DeliveryTarget t : plan.targets()) {
            ObjectNode o = targets.addObject();
            o.put("type", t.type());
            if (t instanceof DeliveryTarget.Webhook w) {
                o.put("url", w.url());
            } else if (t instanceof DeliveryTarget.Email e) {
                ArrayNode to = o.putArray("to");
                e.to().forEach(to::add);
                if (e.subject() != null) o.put("subject", e.subject());
            } else if (t instanceof DeliveryTarget.Storage s) {
                o.put("target", s.target());
                o.put("name", s.name());
            }
        }
        if (plan.condition() != null) root.put("condition", plan.condition());
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a delivery plan: " + e.getMessage(), e);
        }
    }

    /** A stored plan; null reads as {@link DeliveryPlan#NONE}. */
    public static DeliveryPlan fromJson(String json) {
        if (json == null || json.isEmpty()) return DeliveryPlan.NONE;
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored delivery plan is not valid JSON: " + e.getOriginalMessage(), e);
        }
        List<DeliveryTarget> targets = new ArrayList<>();
        for (JsonNode t : root.path("targets")) {
            targets.add(switch (t.path("type").asText()) {
                case "webhook" -> new DeliveryTarget.Webhook(t.path("url").asText());
                case "email" -> {
                    List<String> to = new ArrayList<>();
                    t.path("to").forEach(a -> to.add(a.asText()));
                    yield new DeliveryTarget.Email(to, t.hasNonNull("subject") ? t.get("subject").asText() : null);
                }
                case "storage" -> new DeliveryTarget.Storage(t.path("target").asText(), t.path("name").asText());
                default -> throw new IllegalStateException("stored delivery plan has an unknown target type: " + t);
            });
        }
        String condition = root.hasNonNull("condition") ? root.get("condition").asText() : null;
        return targets.isEmpty() && condition == null ? DeliveryPlan.NONE : new DeliveryPlan(targets, condition);
    }

    private static boolean absent(JsonNode n) {
        return n == null || n.isNull();
    }

    private static String describe(JsonNode n) {
        if (n.isTextual()) return "string \"" + shorten(n.textValue()) + "\"";
        if (n.isNumber()) return "number " + n.asText();
        if (n.isBoolean()) return "boolean " + n.booleanValue();
        if (n.isNull()) return "null";
        if (n.isArray()) return "an array";
        return "an object";
    }

    private static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private static InvalidRequestException invalid(String field, String message) {
        return new InvalidRequestException(ProblemCode.INVALID_DELIVERY_TARGET, field, message);
    }
}
