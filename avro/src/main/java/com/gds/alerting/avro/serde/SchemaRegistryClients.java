package com.gds.alerting.avro.serde;

import java.util.List;
import java.util.Locale;

import org.apache.kafka.common.config.ConfigException;

/** Builds the registry client that {@code schema.registry.url} asks for. */
public final class SchemaRegistryClients {

    private SchemaRegistryClients() {
    }

    /**
     * {@code mem://<scope>}: the in-process registry of that scope; {@code http(s)://...}: the
     * REST client, cached. Anything else is a {@link ConfigException} naming the URL.
     */
    public static SchemaRegistryClient create(AvroSerdeConfig config) {
        List<String> urls = config.getList(AvroSerdeConfig.SCHEMA_REGISTRY_URL);
        if (urls.isEmpty()) {
            throw new ConfigException(AvroSerdeConfig.SCHEMA_REGISTRY_URL + " is empty: give http(s)://host:port or mem://<scope>");
        }
        String first = urls.get(0).trim();
        if (first.toLowerCase(Locale.ROOT).startsWith(InMemorySchemaRegistry.SCHEME)) {
            if (urls.size() > 1) {
                throw new ConfigException(AvroSerdeConfig.SCHEMA_REGISTRY_URL, String.join(",", urls),
                        "mem:// cannot be combined with other registry URLs");
            }
            return InMemorySchemaRegistry.forScope(first.substring(InMemorySchemaRegistry.SCHEME.length()));
        }
        for (String url : urls) {
            String lower = url.trim().toLowerCase(Locale.ROOT);
            if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
                int colon = url.indexOf(':');
                String scheme = colon < 0 ? "(none)" : url.substring(0, colon);
                throw new ConfigException(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url,
                        "unsupported URL scheme '" + scheme + "': use http://, https:// or mem://<scope>");
            }
        }
        return new CachingSchemaRegistryClient(new HttpSchemaRegistryClient(config));
    }
}
