package dev.freight.query;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

class MariaDbHostileInputTest extends HostileInputContract {
    @Override
    DemoOrders.Db db() {
        return DemoOrders.Db.MARIADB;
    }

    @Order(1)
    @Test
    void nulInATextValueIsBoundAndMatchedLiterally() {
        assertNulIsBoundAndMatchedLiterally();
    }
}
