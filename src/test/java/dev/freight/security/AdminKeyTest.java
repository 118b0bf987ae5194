package dev.freight.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdminKeyTest {
    @TempDir
    Path dir;

    @Test
    void theFirstStartGeneratesAKeyAndStoresOnlyItsHashReadableByTheOwnerAlone() throws IOException {
        AdminKey key = AdminKey.loadOrCreate(dir);
        String plaintext = key.newKey().orElseThrow();
        Path file = dir.resolve(AdminKey.FILE_NAME);
        String stored = Files.readString(file, StandardCharsets.US_ASCII).trim();
        assertThat(stored).isEqualTo(HexFormat.of().formatHex(AdminKey.sha256(plaintext)));
        assertThat(stored).doesNotContain(plaintext);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(plaintext).startsWith("frt_").hasSizeGreaterThan(40);
    }

    @Test
    void aLaterStartKeepsTheKeyAndDoesNotRevealIt() {
        String plaintext = AdminKey.loadOrCreate(dir).newKey().orElseThrow();
        AdminKey again = AdminKey.loadOrCreate(dir);
        assertThat(again.newKey()).isEmpty();
        assertThat(again.authenticate(plaintext)).isEqualTo(Optional.of(Principal.admin(AdminKey.PRINCIPAL)));
    }

    @Test
    void onlyTheExactKeyIsAcceptedAndItsPrincipalIsAdmin() {
        AdminKey key = AdminKey.loadOrCreate(dir);
        String plaintext = key.newKey().orElseThrow();
        assertThat(key.authenticate(plaintext + "x")).isEmpty();
        assertThat(key.authenticate(plaintext.substring(1))).isEmpty();
        assertThat(key.authenticate("")).isEmpty();
        assertThat(key.authenticate(null)).isEmpty();
        assertThat(key.authenticate(plaintext).orElseThrow().isAdmin()).isTrue();
        assertThat(key.authenticateHash(AdminKey.sha256(plaintext)).orElseThrow().isAdmin()).isTrue();
        assertThat(key.authenticateHash(AdminKey.sha256(plaintext + "x"))).isEmpty();
        assertThat(key.authenticateHash(null)).isEmpty();
    }

    @Test
    void eachDataDirGetsItsOwnKey() {
        String a = AdminKey.loadOrCreate(dir.resolve("a")).newKey().orElseThrow();
        AdminKey b = AdminKey.loadOrCreate(dir.resolve("b"));
        assertThat(b.newKey().orElseThrow()).isNotEqualTo(a);
        assertThat(b.authenticate(a)).isEmpty();
    }

    @Test
    void aCorruptKeyFileIsRefusedWithAHowToFix() throws IOException {
        Files.writeString(dir.resolve(AdminKey.FILE_NAME), "not a hash");
        assertThatThrownBy(() -> AdminKey.loadOrCreate(dir)).hasMessageContaining("delete it");
    }
}
