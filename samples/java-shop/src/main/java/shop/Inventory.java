package shop;

import java.util.HashMap;
import java.util.Map;

/** Stock levels by SKU. */
public class Inventory {
    private final Map<String, Integer> stock = new HashMap<>();

    public void add(String sku, int quantity) {
        stock.merge(sku, quantity, Integer::sum);
    }

    /** Takes {@code quantity} units of {@code sku} out of stock; false when there are not enough. */
    public boolean reserve(String sku, int quantity) {
        int available = stock.getOrDefault(sku, 0);
        if (available < quantity) {
            return false;
        }
        stock.put(sku, available - quantity);
        return true;
    }

    public int available(String sku) {
        return stock.getOrDefault(sku, 0);
    }
}
