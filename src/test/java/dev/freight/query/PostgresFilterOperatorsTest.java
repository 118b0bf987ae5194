package dev.freight.query;

class PostgresFilterOperatorsTest extends FilterOperatorsContract {
    @Override
    DemoOrders.Db db() {
        return DemoOrders.Db.POSTGRESQL;
    }
}
