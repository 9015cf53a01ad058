package shop;

/** A discount applied to an amount in cents. */
public interface PriceRule {
    /** The discounted amount. */
    long apply(long cents);
}
