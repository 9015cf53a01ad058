package shop;

/** Moves stock between warehouses. */
public class Restock {
    public boolean transfer(Inventory from, Inventory to, String sku, int quantity) {
        String customerId = "warehouse";
        if (!from.reserve(sku, quantity)) {
            return false;
        }
        to.add(sku, quantity);
        return true;
    }
}
