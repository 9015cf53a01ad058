package shop;

/** Express checkout: one item, reserved at once. */
public class Checkout {
    private final Inventory inventory;

    public Checkout(Inventory inventory) {
        this.inventory = inventory;
    }

    public boolean buyNow(String customerId, Item item) {
        return inventory.reserve(item.sku(), item.quantity());
    }

    public boolean buyTwo(String customerId, Item first, Item second) {
        return inventory.reserve(first.sku(), first.quantity())
                && inventory.reserve(second.sku(), second.quantity());
    }
}
