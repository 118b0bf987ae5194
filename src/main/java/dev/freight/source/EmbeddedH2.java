package dev.freight.source;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * Embedded H2 files that a second process may open too. {@code AUTO_SERVER=TRUE} lets the CLI open the job store or
 * the demo database while {@code serve} holds it: the first process starts a TCP server for the others. H2 binds
 * that server to every interface unless {@code h2.bindAddress} says otherwise, and it reads the property once,
 * when H2 is first used; Freight confines it to loopback, and gives up the second process rather than listen
 * beyond it.
 */
public final class EmbeddedH2 {
    static final String BIND_ADDRESS = "h2.bindAddress";

    private EmbeddedH2() {
    }

    /** Binds H2's automatic servers to 127.0.0.1; must run before the first H2 connection of the process. */
    public static void confineToLoopback() {
        if (System.getProperty(BIND_ADDRESS) == null) System.setProperty(BIND_ADDRESS, "127.0.0.1");
    }

    /**
     * The URL of the H2 file {@code base} (without {@code .mv.db}), shared with other processes of this machine
     * when H2's server can be kept on loopback, private to this process otherwise.
     */
    public static String fileUrl(Path base) {
        confineToLoopback();
        return "jdbc:h2:file:" + base.toAbsolutePath() + (serverOnLoopbackOnly() ? ";AUTO_SERVER=TRUE" : "");
    }

    /** Whether H2, as initialised in this process, binds its servers to a loopback address. */
    static boolean serverOnLoopbackOnly() {
        String bound = org.h2.engine.SysProperties.BIND_ADDRESS;
        if (bound == null || bound.isBlank()) return false;
        try {
            return InetAddress.getByName(bound).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
