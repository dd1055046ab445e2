package org.tarsier.console.internal.shell;

import java.io.InputStream;
import java.io.OutputStream;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;

/** Opens {@link ShellSession}s that run command lines in Gogo {@link CommandSession}s. */
final class GogoSessions implements ShellSession.Factory {

    private final CommandProcessor processor;

    GogoSessions(CommandProcessor processor) {
        this.processor = processor;
    }

    @Override
    public ShellSession open(OutputStream stdout, OutputStream stderr) {
        CommandSession session =
                processor.createSession(InputStream.nullInputStream(), stdout, stderr);
        return new GogoSession(session);
    }

    private record GogoSession(CommandSession session) implements ShellSession {

        @Override
        public String execute(String commandLine) throws Exception {
            Object result = session.execute(commandLine);
            // The foreground Gogo shell prints nothing for a null result either.
            if (result == null) {
                return "";
            }
            return session.format(result, Converter.INSPECT).toString();
        }

        @Override
        public void close() {
            session.close();
        }
    }
}
