package shop;

import java.util.ArrayList;
import java.util.List;

/** Items a customer is about to buy. */
public class Cart {
    private final List<Item> items = new ArrayList<>();

    public void add(Item item) {
        items.add(item);
    }

    /** Sum of all items, in cents. */
    public long totalCents() {
        long total = 0;
        for (Item item : items) {
            total += item.totalCents();
        }
        return total;
    }

    /** The total after applying a price rule. */
    public long totalCents(PriceRule rule) {
        
    }
}
