package dev.freight.query;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

class H2HostileInputTest extends HostileInputContract {
    @Override
    DemoOrders.Db db() {
        return DemoOrders.Db.H2;
    }

    @Order(1)
    @Test
    void nulInATextValueIsBoundAndMatchedLiterally() {
        assertNulIsBoundAndMatchedLiterally();
    }
}
