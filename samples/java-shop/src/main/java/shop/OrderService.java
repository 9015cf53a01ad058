package shop;

import java.util.List;

/** Places orders against the inventory. */
public class OrderService {
    private final Inventory inventory;

    public OrderService(Inventory inventory) {
        this.inventory = inventory;
    }

    public boolean place(String customerId, List<Item> items) {
        for (Item item : items) {
            if (!inventory.reserve(item.sku(), item.quantity())) {
                return false;
            }
        }
        return true;
    }
}
