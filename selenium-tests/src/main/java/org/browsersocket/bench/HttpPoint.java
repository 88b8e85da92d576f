package org.browsersocket.bench;

import org.HdrHistogram.Histogram;
import org.browsersocket.experiments.Percentiles;

/**
 * One target measured at one body size and number of connections (or several such measurements
 * added up, {@link #plus}): what the load generator counted, how many of the requests the page
 * itself answered, and the CPU the client, the target's processes and the whole machine used
 * during the window (in cores busy on average).
 *
 * @param latencyMicros  latencies of the counted requests (send to last byte)
 * @param requests       counted requests: 200 with the expected length, sent and answered within the window
 * @param seconds        the window(s)
 * @param otherStatus    responses of another status than 200 (whole run, warm-up included)
 * @param wrongLength    200 responses of another length
 * @param failed         requests whose connection closed or timed out before the response ended
 * @param unanswered     requests outstanding when the run ended
 * @param connectFailures connection attempts that failed
 * @param sent           requests sent, warm-up included
 * @param pageRequests   requests the page answered meanwhile (0 for a native target)
 * @param clientCores    the load generator's event loops
 * @param targetCores    the target's processes (native server; runtime and Chromium; and the relay)
 * @param browserCores   of those, Chromium's (0 for a native target)
 * @param relayCores     of those, the relay's (0 unless through the relay)
 * @param pageThreadCores the busiest Chromium renderer's main thread, which runs the page's JavaScript
 * @param machineCores   the whole machine: every process, and time taken by the hypervisor (steal)
 */
public record HttpPoint(String target, int bodyBytes, int connections, Histogram latencyMicros, long requests,
                        double seconds, long otherStatus, long wrongLength, long failed, long unanswered,
                        long connectFailures, long sent, long pageRequests, double clientCores, double targetCores,
                        double browserCores, double relayCores, double pageThreadCores, double machineCores) {

    static HttpPoint of(String target, int bodyBytes, int connections, HttpLoad.Result r, long pageRequests,
                        double targetCores, double browserCores, double relayCores, double pageThreadCores,
                        double machineCores) {
        return new HttpPoint(target, bodyBytes, connections, r.latencyMicros(), r.requests(), r.seconds(), r.otherStatus(),
                r.wrongLength(), r.failed(), r.unanswered(), r.connectFailures(), r.sent(), pageRequests,
                r.seconds() > 0 ? r.clientCpuSeconds() / r.seconds() : 0, targetCores, browserCores, relayCores,
                pageThreadCores, machineCores);
    }

    public double requestsPerSecond() {
        return seconds > 0 ? requests / seconds : 0;
    }

    /** Payload received per second, in MB (10^6 bytes). */
    public double megabytesPerSecond() {
        return requestsPerSecond() * bodyBytes / 1e6;
    }

    public double p50Micros() {
        return Percentiles.median(latencyMicros);
    }

    public double p90Micros() {
        return Percentiles.p90(latencyMicros);
    }

    public double p99Micros() {
        return Percentiles.p99(latencyMicros);
    }

    /** CPU time the target's processes spent per counted request, in microseconds (0 without requests). */
    public double targetCpuMicrosPerRequest() {
        double rps = requestsPerSecond();
        return rps > 0 ? targetCores * 1e6 / rps : 0;
    }

    /** The target's processes less the browser and the relay: the native server, or the page's runtime. */
    public double serverCores() {
        return Math.max(0, targetCores - browserCores - relayCores);
    }

    /** What the rest of the machine used meanwhile (other work, or time the hypervisor took): never below 0. */
    public double otherCores() {
        return Math.max(0, machineCores - clientCores - targetCores);
    }

    /** Every request that went wrong, and every failed connection attempt. */
    public long failures() {
        return otherStatus + wrongLength + failed + unanswered + connectFailures;
    }

    /** The share of the requests sent that the page answered itself (1: all of them; 0 for a native target). */
    public double pageShare() {
        return sent == 0 ? 0 : (double) pageRequests / sent;
    }

    /**
     * This and another measurement of the same target, size and connections added up: latencies
     * merged, counts and windows summed, CPU weighted by each window's length.
     */
    public HttpPoint plus(HttpPoint other) {
        if (!target.equals(other.target) || bodyBytes != other.bodyBytes || connections != other.connections) {
            throw new IllegalArgumentException("not the same measurement: " + key() + " and " + other.key());
        }
        Histogram latency = latencyMicros.copy();
        latency.add(other.latencyMicros);
        double s = seconds + other.seconds;
        return new HttpPoint(target, bodyBytes, connections, latency, requests + other.requests, s,
                otherStatus + other.otherStatus, wrongLength + other.wrongLength, failed + other.failed,
                unanswered + other.unanswered, connectFailures + other.connectFailures, sent + other.sent,
                pageRequests + other.pageRequests, weighted(clientCores, other.clientCores, other.seconds, s),
                weighted(targetCores, other.targetCores, other.seconds, s),
                weighted(browserCores, other.browserCores, other.seconds, s),
                weighted(relayCores, other.relayCores, other.seconds, s),
                weighted(pageThreadCores, other.pageThreadCores, other.seconds, s),
                weighted(machineCores, other.machineCores, other.seconds, s));
    }

    private double weighted(double mine, double theirs, double theirSeconds, double total) {
        return total > 0 ? (mine * seconds + theirs * theirSeconds) / total : 0;
    }

    /** target/size/connections: what {@link #plus} requires to be equal. */
    public String key() {
        return key(target, bodyBytes, connections);
    }

    public static String key(String target, int bodyBytes, int connections) {
        return target + "/" + bodyBytes + "/" + connections;
    }
}
