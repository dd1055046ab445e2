package org.tarsier.webconsole.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import org.apache.felix.webconsole.spi.SecurityProvider;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.tarsier.api.log.RateLimiter;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * HTTP Basic login for the Felix Web Console against a salted password hash, in place of the
 * console's built-in provider and its admin/admin default.
 *
 * <p>The console uses the security provider with the highest service ranking, and the runtime
 * names this provider's id in {@code felix.webconsole.security.providers}, so the console does
 * not serve any page before this provider is registered. While no password hash is configured,
 * every request gets 403 with a message that explains how to set one.
 */
@Component(
        service = SecurityProvider.class,
        configurationPid = LoginProvider.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {
            SecurityProvider.PROPERTY_ID + "=" + LoginProvider.PROVIDER_ID,
            "service.ranking:Integer=1000"
        })
@Designate(ocd = LoginProvider.Config.class)
public class LoginProvider implements SecurityProvider {

    static final String PID = "org.tarsier.webconsole";
    static final String PROVIDER_ID = "tarsier";
    static final String DEFAULT_USERNAME = "admin";
    static final String REALM = "Tarsier web console";
    static final String LOCKED_MESSAGE = "The Tarsier web console is locked because no password"
            + " is set. As root on the agent's host, run './tarsier webconsole-passwd', which"
            + " writes password.hash into etc/" + PID + ".cfg; the agent reads it within a few"
            + " seconds.\n";

    /** Login configuration of the web console. */
    @ObjectClassDefinition(
            id = PID,
            name = "Tarsier web console login",
            description = "User name and password hash for the Felix Web Console")
    @interface Config {

        @AttributeDefinition(
                name = "User name",
                description = "The only user name accepted; must not contain ':'.")
        String username() default DEFAULT_USERNAME;

        @AttributeDefinition(
                name = "Password hash",
                description = "pbkdf2-sha256$ITERATIONS$SALT$HASH as written by"
                        + " './tarsier webconsole-passwd'. Empty keeps the console locked.")
        String password_hash() default "";
    }

    @Reference(service = LoggerFactory.class)
    private Logger logger;

    private final RateLimiter limiter = new RateLimiter(60_000);
    private volatile LoginSettings settings = LoginSettings.LOCKED;
    private volatile VerifiedCredentials verified = new VerifiedCredentials();

    @Activate
    void activate(Config config) {
        applyValid(config);
        logger.info("Web console login active: {}", settings);
    }

    @Modified
    void modified(Config config) {
        applyValid(config);
        logger.info("Web console login updated: {}", settings);
    }

    @Deactivate
    void deactivate() {
        logger.info("Web console login stopped; the console serves no page until it returns");
    }

    @Override
    public Object authenticate(HttpServletRequest request, HttpServletResponse response) {
        LoginSettings current = settings;
        try {
            if (current.locked()) {
                sendText(response, HttpServletResponse.SC_FORBIDDEN, LOCKED_MESSAGE);
                return null;
            }
            String header = request.getHeader("Authorization");
            if (header != null && accepts(current, header)) {
                return current.username();
            }
            if (header != null) {
                logFailure(request);
            }
            response.setHeader("WWW-Authenticate",
                    "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
            sendText(response, HttpServletResponse.SC_UNAUTHORIZED,
                    "Wrong or missing user name or password.\n");
        } catch (IOException e) {
            if (limiter.permit("response")) {
                logger.warn("Web console login: writing the response to {} failed",
                        request.getRemoteAddr(), e);
            }
        }
        return null;
    }

    @Override
    public boolean authorize(Object user, String role) {
        return user != null;
    }

    @Override
    public void logout(HttpServletRequest request, HttpServletResponse response) {
        // HTTP Basic has no server-side session to end: the browser drops the credentials when
        // it closes.
    }

    private boolean accepts(LoginSettings current, String header) {
        if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        VerifiedCredentials cache = verified;
        if (cache.contains(header)) {
            return true;
        }
        char[] decoded = decode(header.substring(6).strip());
        try {
            int colon = indexOf(decoded, ':');
            if (colon < 0) {
                return false;
            }
            String user = new String(decoded, 0, colon);
            char[] password = Arrays.copyOfRange(decoded, colon + 1, decoded.length);
            // The hash is computed even for a wrong user name, so timing does not reveal it.
            boolean passwordMatches = current.passwordHash().matches(password);
            Arrays.fill(password, '\0');
            boolean ok = passwordMatches && user.equals(current.username());
            if (ok) {
                cache.add(header);
            }
            return ok;
        } finally {
            Arrays.fill(decoded, '\0');
        }
    }

    private static char[] decode(String base64) {
        try {
            byte[] bytes = Base64.getDecoder().decode(base64);
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            Arrays.fill(bytes, (byte) 0);
            char[] result = new char[chars.remaining()];
            chars.get(result);
            return result;
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return new char[0];
        }
    }

    private static int indexOf(char[] chars, char target) {
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] == target) {
                return i;
            }
        }
        return -1;
    }

    private void logFailure(HttpServletRequest request) {
        String key = "failure " + request.getRemoteAddr();
        if (limiter.permit(key)) {
            logger.warn("Web console login failed from {} ({} more failures from there not"
                    + " logged in the last minute)", request.getRemoteAddr(),
                    limiter.suppressed(key));
        }
    }

    private static void sendText(HttpServletResponse response, int status, String text)
            throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(text);
    }

    private void applyValid(Config config) {
        List<InvalidProperty> invalid = new ArrayList<>();
        LoginSettings parsed = LoginSettings.parse(config, invalid);
        if (parsed == null) {
            invalid.forEach(property -> logger.error(property.message(settings.toString())));
            return;
        }
        settings = parsed;
        verified = new VerifiedCredentials();
    }
}
