package shop;

/** Ten percent off above a threshold. */
public class BulkDiscount implements PriceRule {
    private final long thresholdCents;

    public BulkDiscount(long thresholdCents) {
        this.thresholdCents = thresholdCents;
    }

    @Override
    public long apply(long cents) {
        return cents >= thresholdCents ? cents * 9 / 10 : cents;
    }
}
