package shop;

/** One line of an order. */
public record Item(String sku, int quantity, long unitCents) {
    public long totalCents() {
        return unitCents * quantity;
    }
}
