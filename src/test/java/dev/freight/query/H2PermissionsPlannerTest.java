package dev.freight.query;

class H2PermissionsPlannerTest extends PermissionsPlannerContract {
    @Override
    DemoOrders.Db db() {
        return DemoOrders.Db.H2;
    }
}
