package org.browsersocket.load;

/**
 * An open-loop run offered more than could be sent and echoed: a connection had too many
 * messages in flight, or the generator itself fell behind its schedule. The run stopped early;
 * {@link #partialResult()} holds what it recorded until then.
 */
public final class SaturationException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final transient LoadGenerator.Result partialResult;

    public SaturationException(String message, LoadGenerator.Result partialResult) {
        super(message);
        this.partialResult = partialResult;
    }

    public LoadGenerator.Result partialResult() {
        return partialResult;
    }
}
