package dev.freight.query;

class H2FilterOperatorsTest extends FilterOperatorsContract {
    @Override
    DemoOrders.Db db() {
        return DemoOrders.Db.H2;
    }
}
