package dev.freight.http;

import java.nio.file.Path;

/** Sessions on the embedded job store (AUTO_SERVER: a second node in this JVM opens the same file). */
class H2SessionHttpTest extends SessionHttpContract {
    @Override
    String jobStoreUrl(Path dir) {
        return "jdbc:h2:file:" + dir.resolve("jobs") + ";AUTO_SERVER=TRUE";
    }
}
