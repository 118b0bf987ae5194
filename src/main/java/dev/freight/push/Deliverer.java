package dev.freight.push;

import dev.freight.auth.LinkSigner;
import dev.freight.config.DeliveryConfig;
import dev.freight.delivery.DeliveryEvent;
import dev.freight.delivery.DeliveryTarget;
import dev.freight.delivery.StorageNames;
import dev.freight.format.ExportFormat;
import dev.freight.job.Job;
import dev.freight.job.JobIds;
import dev.freight.job.JobStatus;
import dev.freight.job.JobStore;
import dev.freight.storage.FileStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A node's share of the deliveries: every {@code pollInterval} it claims the due rows of the delivery queue (up to
 * its free senders), sends each on a sender thread and records the outcome. Any number of nodes run one; a
 * delivery is sent by one at a time and, once it failed, retried by whichever node claims it next. It never
 * touches the job itself: a delivery that fails does not fail the export.
 */
public final class Deliverer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Deliverer.class);
    /** Where a job's file is downloaded; the API's path (http.FreightServer.API is a layer above). */
    static final String DOWNLOAD_PATH = "/api/v1/export/jobs/%s/download?token=%s";
    static final int SENDERS = 4;

    private final DeliveryQueue queue;
    private final JobStore jobs;
    private final FileStore files;
    /** Made at the first link: a node that never sends one never creates a node key (see LinkSigner.fromConfig). */
    private final java.util.function.Supplier<LinkSigner> signer;
    private LinkSigner madeSigner;
    private final String publicUrl;
    private final WebhookSender webhooks;
    private final EmailSender email;
    private final Map<String, FileStore> storageTargets;
    private final Duration pollInterval;
    private final ScheduledExecutorService poller;
    private final ExecutorService senders;
    private final Semaphore free = new Semaphore(SENDERS);
    private volatile boolean closed;

    /**
     * {@code pool} and {@code jobs}: the job store, whose clock every time comes from. {@code signer}: links are
     * signed with it (it must be the key every serving node verifies with). {@code publicUrl}: the base of links
     * (server.public_url), null for paths only. {@code storageTargets}: the file stores of delivery_storage, owned by
     * this deliverer from now on (closed with it).
     */
    public Deliverer(DataSource pool, JobStore jobs, FileStore files, java.util.function.Supplier<LinkSigner> signer,
                     String publicUrl,
                     DeliveryConfig config, Map<String, FileStore> storageTargets) {
        this.jobs = jobs;
        this.files = files;
        this.signer = signer;
        this.publicUrl = publicUrl;
        DeliveryConfig.Webhooks retry = config.webhooks();
        Duration lease = retry.timeout().multipliedBy(3).plusMinutes(1);
        this.queue = new DeliveryQueue(pool, jobs.clock(), "deliverer-" + JobIds.next(), lease, retry);
        this.webhooks = new WebhookSender(config.webhooks());
        this.email = config.email().map(EmailSender::new).orElse(null);
        this.storageTargets = Map.copyOf(storageTargets);
        // Short enough for a short retry delay (tests), never busier than a few looks a second.
        Duration oneSecond = Duration.ofSeconds(1);
        Duration quarter = retry.retryInitialDelay().dividedBy(4);
        this.pollInterval = quarter.compareTo(oneSecond) < 0 ? (quarter.toMillis() < 100 ? Duration.ofMillis(100) : quarter)
                : oneSecond;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "freight-deliveries"));
        this.senders = Executors.newFixedThreadPool(SENDERS, r -> daemon(r, "freight-delivery-sender"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public Deliverer start() {
        poller.scheduleWithFixedDelay(this::poll, pollInterval.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One look at the queue: claims what this node has senders for, and hands it to them. */
    void poll() {
        if (closed) return;
        int permits = free.drainPermits();
        List<DeliveryQueue.Due> due;
        try {
            due = queue.claim(permits);
        } catch (RuntimeException e) {
            free.release(permits);
            LOG.warn("deliveries: the queue could not be read: {}", e.getMessage());
            return;
        }
        free.release(permits - due.size());
        for (DeliveryQueue.Due d : due) {
            senders.execute(() -> {
                try {
                    if (closed) {
                        queue.release(d);
                    } else {
                        deliver(d);
                    }
                } catch (RuntimeException e) {
                    LOG.warn("delivery {} of job {} could not be recorded: {}", d.id(), d.jobId(), e.getMessage());
                } finally {
                    free.release();
                }
            });
        }
    }

    /** What one attempt came to. */
    public enum Result { DELIVERED, RETRY_LATER, FAILED }

    /** What one pass of {@link #sendDue()} did: the attempts made, by what they came to. */
    public record Pass(int delivered, int retryLater, int failed) {
        public int attempted() {
            return delivered + retryLater + failed;
        }
    }

    /**
     * One pass over the queue, for a node that does not stay up ({@code freight worker --once}): attempts once each
     * delivery due now that no other node holds, on this deliverer's senders, and returns when all are recorded. One
     * attempt each: a failed one is due again only after its backoff, so it is left queued for whichever node runs
     * next (the pass takes nothing due after it started). Not for a started deliverer, which polls by itself.
     */
    public Pass sendDue() {
        Instant passStart = queue.clock().instant();
        int delivered = 0;
        int retryLater = 0;
        int failed = 0;
        while (!closed) {
            List<DeliveryQueue.Due> due = queue.claim(SENDERS, passStart);
            if (due.isEmpty()) break;
            List<java.util.concurrent.Future<Result>> sending = due.stream().map(d -> senders.submit(() -> deliver(d)))
                    .toList();
            for (java.util.concurrent.Future<Result> f : sending) {
                Result r;
                try {
                    r = f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    // Not recorded (the job store failed): the row's lease lapses and it is due again.
                    LOG.warn("a delivery could not be recorded: {}", e.getCause().getMessage());
                    r = Result.RETRY_LATER;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Pass(delivered, retryLater, failed);
                }
                switch (r) {
                    case DELIVERED -> delivered++;
                    case RETRY_LATER -> retryLater++;
                    case FAILED -> failed++;
                }
            }
        }
        return new Pass(delivered, retryLater, failed);
    }

    /** Sends one delivery and records the outcome. */
    Result deliver(DeliveryQueue.Due d) {
        Optional<Job> found = jobs.get(d.jobId());
        WebhookSender.Outcome outcome;
        if (found.isEmpty()) {
            outcome = new WebhookSender.Outcome(null, "the job was deleted", true);
        } else {
            Job job = found.get();
            try {
                if (d.target() instanceof DeliveryTarget.Webhook w) {
                    outcome = webhook(d, w, job);
                } else if (d.target() instanceof DeliveryTarget.Email e) {
                    outcome = email(d, e, job);
                } else {
                    outcome = copy((DeliveryTarget.Storage) d.target(), job);
                }
            } catch (RuntimeException e) {
                LOG.warn("delivery {} of job {} failed unexpectedly", d.id(), d.jobId(), e);
                outcome = new WebhookSender.Outcome(null, e.getClass().getSimpleName() + ": " + e.getMessage(), false);
            }
        }
        if (outcome.delivered()) {
            queue.delivered(d, outcome.status());
            LOG.info("job {}: {} {} to {} delivered (attempt {})", d.jobId(), d.event().wire(), d.target().type(),
                    d.target().describe(), d.attempts() + 1);
            return Result.DELIVERED;
        }
        Optional<Instant> next = queue.failed(d, outcome.status(), outcome.error(), outcome.permanent());
        LOG.warn("job {}: {} {} to {} failed (attempt {}): {}; {}", d.jobId(), d.event().wire(), d.target().type(),
                d.target().describe(), d.attempts() + 1, outcome.error(),
                next.map(t -> "trying again at " + t).orElse("given up"));
        return next.isPresent() ? Result.RETRY_LATER : Result.FAILED;
    }

    private WebhookSender.Outcome webhook(DeliveryQueue.Due d, DeliveryTarget.Webhook w, Job job) {
        Instant now = queue.clock().instant();
        byte[] body = DeliveryMessages.webhookBody(d.event(), job, link(d.event(), job), now);
        return webhooks.send(w.url(), d.id(), now.getEpochSecond(), body);
    }

    private WebhookSender.Outcome email(DeliveryQueue.Due d, DeliveryTarget.Email e, Job job) {
        if (email == null) return new WebhookSender.Outcome(null, "email is not configured on this node", true);
        String subject = DeliveryMessages.subject(e.subject(), d.event(), job, scheduleName(job));
        if (d.event() != DeliveryEvent.COMPLETED) {
            return email.send(new EmailSender.Mail(e.to(), subject, DeliveryMessages.emailText(d.event(), job,
                    link(d.event(), job), DeliveryMessages.Contents.NONE, scheduleName(job)), null, null));
        }
        Optional<Long> size = fileSize(job, job.storageKey());
        if (size.isEmpty()) return new WebhookSender.Outcome(null, "the file is no longer there", true);
        EmailFile own = new EmailFile(job.storageKey(), job.fileName(), job.contentType(), size.get());
        Optional<ExportFormat> otherFormat = pictureFormat(job).flatMap(ExportFormat::otherPicture);
        if (otherFormat.isEmpty()) {
            // A file of rows: attached below the cap, a link above it.
            boolean attach = own.bytes() <= email.maxAttachmentBytes();
            return email.send(new EmailSender.Mail(e.to(), subject, DeliveryMessages.emailText(d.event(), job,
                    attach ? DeliveryMessages.Link.NONE : link(d.event(), job), attach
                            ? new DeliveryMessages.Contents(null, own.fileName(), List.of()) : DeliveryMessages.Contents.NONE, scheduleName(job)),
                    null, attach ? attachment(own) : null));
        }
        return email.send(picture(d, e, job, subject, own, otherFormat.get()));
    }

    /** A file of a job's in the file store, as an email carries it. */
    private record EmailFile(String key, String fileName, String contentType, long bytes) {
    }

    /**
     * The email of a picture (png, pdf_visual): the PNG shown in it and the PDF attached, one of them the job's
     * file, the other its other picture drawn beside it ({@link Job#otherPictureKey}). Within
     * {@code email.max_attachment_bytes} for the two together: the job's file first (above the cap alone, a link to
     * it as for any file), then the other picture if it still fits; what is left out, and why, the text says.
     */
    private EmailSender.Mail picture(DeliveryQueue.Due d, DeliveryTarget.Email e, Job job, String subject, EmailFile own,
                                     ExportFormat otherFormat) {
        long cap = email.maxAttachmentBytes();
        boolean ownCarried = own.bytes() <= cap;
        String otherName = otherFileName(job.fileName(), otherFormat);
        Optional<Long> otherSize = fileSize(job, job.otherPictureKey());
        EmailFile other = otherSize.map(n -> new EmailFile(job.otherPictureKey(), otherName, otherFormat.contentType(), n))
                .orElse(null);
        boolean otherCarried = carriesOther(own.bytes(), other == null ? null : other.bytes(), cap);
        EmailFile shown = otherFormat == ExportFormat.PNG ? (otherCarried ? other : null) : (ownCarried ? own : null);
        EmailFile attached = otherFormat == ExportFormat.PDF_VISUAL ? (otherCarried ? other : null) : (ownCarried ? own : null);
        String otherWhat = otherFormat == ExportFormat.PNG ? "picture (PNG)" : "PDF";
        List<String> notes = new java.util.ArrayList<>();
        if (other == null) {
            notes.add("The " + otherWhat + " of it could not be drawn when the export ran, so it is not in this email "
                    + "(the server log of job " + job.id() + " says why).");
        } else if (!otherCarried) {
            notes.add("The " + otherWhat + " of it (" + DeliveryMessages.size(other.bytes()) + ") is not in this email: "
                    + (ownCarried ? "with the " + job.request().format() + " file it" : "it") + " is above the email "
                    + "size limit of " + DeliveryMessages.size(cap) + " (email.max_attachment_bytes).");
        }
        DeliveryMessages.Link link = ownCarried ? DeliveryMessages.Link.NONE : link(d.event(), job);
        DeliveryMessages.Contents contents = new DeliveryMessages.Contents(shown == null ? null : shown.fileName(),
                attached == null ? null : attached.fileName(), notes);
        return new EmailSender.Mail(e.to(), subject, DeliveryMessages.emailText(d.event(), job, link, contents, scheduleName(job)),
                shown == null ? null : attachment(shown), attached == null ? null : attachment(attached));
    }

    /**
     * Whether an email of a picture carries the other picture ({@code otherBytes}, null when there is none) within
     * {@code cap} for the two together: the job's file is carried first when it is within the cap alone (else a link
     * leads to it), the other picture when it fits in what is left.
     */
    static boolean carriesOther(long ownBytes, Long otherBytes, long cap) {
        if (otherBytes == null) return false;
        return otherBytes <= cap - (ownBytes <= cap ? ownBytes : 0);
    }

    /** The format of a job's file when it is a picture; empty for a file of rows. */
    private static Optional<ExportFormat> pictureFormat(Job job) {
        try {
            ExportFormat f = ExportFormat.fromId(job.request().format());
            return f.visual() ? Optional.of(f) : Optional.empty();
        } catch (RuntimeException unknownToThisVersion) {
            return Optional.empty();
        }
    }

    /** {@code weekly_sales-20261130-080000-<id>.png} → {@code ….pdf}: the other picture is called as the job's file. */
    static String otherFileName(String fileName, ExportFormat other) {
        String name = fileName == null ? "export" : fileName;
        int dot = name.lastIndexOf('.');
        return (dot < 0 ? name : name.substring(0, dot)) + "." + other.extension();
    }

    private EmailSender.Attachment attachment(EmailFile file) {
        return new EmailSender.Attachment(file.fileName(), file.contentType(), () -> files.open(file.key(), 0));
    }

    /** The schedule's name, as people call it (its id once it is deleted); null for a one-off export. */
    private String scheduleName(Job job) {
        return job.scheduleId() == null ? null : queue.scheduleName(job.scheduleId()).orElse(job.scheduleId());
    }

    private WebhookSender.Outcome copy(DeliveryTarget.Storage s, Job job) {
        FileStore target = storageTargets.get(s.target());
        if (target == null) return new WebhookSender.Outcome(null, "storage target '" + s.target() + "' is not configured", true);
        if (job.status() != JobStatus.COMPLETED) {
            return new WebhookSender.Outcome(null, "the job is " + job.status().wireName() + ": no file to copy", true);
        }
        String format = job.request().format() == null ? "" : job.request().format();
        String fileName = job.fileName() == null ? "" : job.fileName();
        int dot = fileName.indexOf('.');
        String ext = dot < 0 ? format : fileName.substring(dot + 1);
        String schedule = job.scheduleId() == null ? "once" : scheduleName(job);
        String name = StorageNames.render(s.name(), Map.of("dataset", DeliveryMessages.fileStem(job.request()), "format", format,
                "ext", ext, "job", job.id(), "schedule", schedule,
                "schedule_id", job.scheduleId() == null ? "once" : job.scheduleId()), job.completedAt().atZone(ZoneOffset.UTC));
        try (InputStream in = files.open(job.storageKey(), 0)) {
            target.putNamed(name, in, job.fileSizeBytes());
            return new WebhookSender.Outcome(null, null, false);
        } catch (IOException | RuntimeException e) {
            return new WebhookSender.Outcome(null, "copying to " + s.target() + ":" + name + " failed: " + e.getMessage(), false);
        }
    }

    private Optional<Long> fileSize(Job job, String key) {
        if (job.status() != JobStatus.COMPLETED) return Optional.empty();
        try {
            return files.size(key);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A link to a completed job's file until it expires; none for the other events, or when links are off. */
    private DeliveryMessages.Link link(DeliveryEvent event, Job job) {
        if (event != DeliveryEvent.COMPLETED || job.status() != JobStatus.COMPLETED || job.expiresAt() == null) {
            return DeliveryMessages.Link.NONE;
        }
        LinkSigner links = signer();
        if (!links.enabled()) return DeliveryMessages.Link.NONE;
        LinkSigner.Link link = links.signForDelivery(job.id(), job.owner(), job.expiresAt());
        String path = String.format(DOWNLOAD_PATH, job.id(), link.token());
        return new DeliveryMessages.Link(publicUrl == null ? path : publicUrl + path, link.expiresAt());
    }

    private synchronized LinkSigner signer() {
        if (madeSigner == null) madeSigner = signer.get();
        return madeSigner;
    }

    /** Stops claiming; deliveries being sent finish (each within the timeout), the rest stay due for other nodes. */
    @Override
    public void close() {
        closed = true;
        poller.shutdownNow();
        senders.shutdown();
        try {
            senders.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        senders.shutdownNow();
        webhooks.close();
        storageTargets.values().forEach(FileStore::close);
    }
}
