package dev.freight.push;

import dev.freight.config.DeliveryConfig;
import jakarta.activation.DataHandler;
import jakarta.activation.DataSource;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Properties;

/**
 * Sends delivery emails over SMTP (Jakarta Mail, Angus Mail): {@code email.smtp.tls} none, starttls (required,
 * not opportunistic) or tls (SMTPS), the server's certificate and name checked; a user name and password when
 * configured. A picture shown in the message and an attachment are streamed from the file store while the message
 * is sent, never held in memory. The shape of a message with both: multipart/mixed of (multipart/alternative of
 * the text and (multipart/related of the HTML and the picture)) and the attachment.
 */
final class EmailSender {
    /**
     * An email to send: its text; {@code picture}, a picture shown in the message (an HTML body referring to it by
     * {@code cid:}, beside the text as its plain alternative); {@code attachment}, a file attached. Either null for
     * none.
     */
    record Mail(List<String> to, String subject, String text, Attachment picture, Attachment attachment) {
    }

    /** A file attached by streaming it from {@code content} (opened once per read, as SMTP may read twice). */
    record Attachment(String fileName, String contentType, Opener content) {
    }

    @FunctionalInterface
    interface Opener {
        InputStream open() throws IOException;
    }

    private final DeliveryConfig.Email config;
    private final Session session;

    EmailSender(DeliveryConfig.Email config) {
        this.config = config;
        Properties p = new Properties();
        String millis = Long.toString(config.timeout().toMillis());
        p.setProperty("mail.smtp.host", config.host());
        p.setProperty("mail.smtp.port", Integer.toString(config.port()));
        p.setProperty("mail.smtp.connectiontimeout", millis);
        p.setProperty("mail.smtp.timeout", millis);
        p.setProperty("mail.smtp.writetimeout", millis);
        p.setProperty("mail.smtp.auth", Boolean.toString(config.username().isPresent()));
        switch (config.tls()) {
            case STARTTLS -> {
                p.setProperty("mail.smtp.starttls.enable", "true");
                p.setProperty("mail.smtp.starttls.required", "true");
                p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
            }
            case TLS -> {
                p.setProperty("mail.smtp.ssl.enable", "true");
                p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
            }
            case NONE -> { }
        }
        this.session = Session.getInstance(p);
    }

    long maxAttachmentBytes() {
        return config.maxAttachmentBytes();
    }

    WebhookSender.Outcome send(Mail mail) {
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(config.from(), true));
            for (String to : mail.to()) message.addRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
            message.setSubject(mail.subject(), StandardCharsets.UTF_8.name());
            message.setSentDate(new Date());
            MimeMultipart body = null;
            if (mail.picture() != null) {
                body = new MimeMultipart("alternative", textPart(mail.text()),
                        wrap(pictureAndHtml(mail.text(), mail.picture())));
            }
            if (mail.attachment() == null && body == null) {
                message.setText(mail.text(), StandardCharsets.UTF_8.name());
            } else if (mail.attachment() == null) {
                message.setContent(body);
            } else {
                MimeBodyPart file = new MimeBodyPart();
                file.setDataHandler(new DataHandler(new StreamedFile(mail.attachment())));
                file.setFileName(mail.attachment().fileName());
                file.setDisposition(MimeBodyPart.ATTACHMENT);
                message.setContent(new MimeMultipart(body == null ? textPart(mail.text()) : wrap(body), file));
            }
            message.saveChanges();
            if (config.username().isPresent()) {
                Transport.send(message, config.username().get(), config.password().map(s -> s.reveal()).orElse(""));
            } else {
                Transport.send(message);
            }
            return new WebhookSender.Outcome(250, null, false);
        } catch (MessagingException e) {
            Integer code = replyCode(e);
            // A 5xx reply is the server's final word (no such mailbox, refused sender); anything else may pass.
            boolean permanent = code != null && code >= 500;
            return new WebhookSender.Outcome(code, "SMTP " + (code == null ? "" : code + " ") + describe(e), permanent);
        }
    }

    private static MimeBodyPart textPart(String text) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setText(text, StandardCharsets.UTF_8.name());
        return part;
    }

    private static MimeBodyPart wrap(MimeMultipart multipart) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setContent(multipart);
        return part;
    }

    /**
     * The picture shown in the message (it can be saved under its file name) and the HTML that shows it: a
     * multipart/related of the two, the picture streamed from the file store as it is sent.
     */
    private static MimeMultipart pictureAndHtml(String text, Attachment picture) throws MessagingException {
        MimeBodyPart html = new MimeBodyPart();
        html.setText("<html><body><pre>" + escape(text) + "</pre><img src=\"cid:" + IMAGE_ID + "\" alt=\""
                + escape(picture.fileName()) + "\"></body></html>", StandardCharsets.UTF_8.name(), "html");
        MimeBodyPart image = new MimeBodyPart();
        image.setDataHandler(new DataHandler(new StreamedFile(picture)));
        image.setFileName(picture.fileName());
        image.setDisposition(MimeBodyPart.INLINE);
        image.setContentID("<" + IMAGE_ID + ">");
        MimeMultipart related = new MimeMultipart("related");
        related.addBodyPart(html);
        related.addBodyPart(image);
        return related;
    }

    static final String IMAGE_ID = "export-image@freight";

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static Integer replyCode(Throwable e) {
        for (Throwable t = e; t != null; t = t instanceof MessagingException m && m.getNextException() != null
                ? m.getNextException() : t.getCause()) {
            if (t instanceof SMTPAddressFailedException a) return a.getReturnCode();
            if (t instanceof SMTPSenderFailedException s) return s.getReturnCode();
            if (t instanceof SMTPSendFailedException s) return s.getReturnCode();
            if (t == t.getCause()) break;
        }
        return null;
    }

    private static String describe(MessagingException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        Exception next = e.getNextException();
        return next == null || next.getMessage() == null ? message : message + ": " + next.getMessage().strip();
    }

    /** The attachment as Jakarta Activation reads it: opened anew for each read. */
    private record StreamedFile(Attachment file) implements DataSource {
        @Override
        public InputStream getInputStream() throws IOException {
            return file.content().open();
        }

        @Override
        public OutputStream getOutputStream() {
            throw new UnsupportedOperationException("read only");
        }

        @Override
        public String getContentType() {
            return file.contentType() == null ? "application/octet-stream" : file.contentType();
        }

        @Override
        public String getName() {
            return file.fileName();
        }
    }
}
