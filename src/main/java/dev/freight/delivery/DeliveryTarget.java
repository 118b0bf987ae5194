package dev.freight.delivery;

import java.util.List;
import java.util.Objects;

/** One place a finished (or failed, or expired) export is pushed to. */
public sealed interface DeliveryTarget {

    /** The {@code type} of the target in requests, stored plans and the delivery log. */
    String type();

    /** What the delivery log shows as the target: the URL, the addresses, the storage target and name. */
    String describe();

    /** A Standard Webhooks POST to {@code url} (http or https), which must match {@code webhooks.allowed_hosts}. */
    record Webhook(String url) implements DeliveryTarget {
        public Webhook {
            Objects.requireNonNull(url, "url");
        }

        @Override
        public String type() {
            return "webhook";
        }

        @Override
        public String describe() {
            return url;
        }
    }

    /** An email to {@code to} (at least one address); {@code subject} null: the default subject. */
    record Email(List<String> to, String subject) implements DeliveryTarget {
        public Email {
            to = List.copyOf(to);
            if (to.isEmpty()) throw new IllegalArgumentException("an email delivery needs an address");
        }

        @Override
        public String type() {
            return "email";
        }

        @Override
        public String describe() {
            return String.join(", ", to);
        }
    }

    /**
     * A copy of the file in the storage target named {@code target} ({@code delivery_storage.<target>}: a local
     * directory or an S3 bucket and prefix) under {@code name}, a template such as
     * {@code {dataset}/{yyyy}/{MM}/{dd}/{schedule}.csv} ({@link StorageNames}).
     */
    record Storage(String target, String name) implements DeliveryTarget {
        public Storage {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String type() {
            return "storage";
        }

        @Override
        public String describe() {
            return target + ":" + name;
        }
    }
}
