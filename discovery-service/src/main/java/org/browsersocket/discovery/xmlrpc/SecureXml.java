package org.browsersocket.discovery.xmlrpc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The JDK's DOM parser, locked down for untrusted input: any DOCTYPE is a fatal error (so no
 * entity can be declared, expanded or fetched), external entities and DTDs are off and may not be
 * fetched from anywhere, XInclude is off, elements may nest at most {@value #MAX_ELEMENT_DEPTH}
 * deep (deeper documents would overflow the stack of whatever walks them), and the JDK's
 * secure-processing limits apply. A parser that does not accept one of these settings fails the
 * class's initialisation rather than run less safely.
 */
final class SecureXml {
    static final String DISALLOW_DOCTYPE = "http://apache.org/xml/features/disallow-doctype-decl";
    /** Deepest element nesting parsed: room for {@link ValueReader#MAX_DEPTH} levels of arrays or structs. */
    static final int MAX_ELEMENT_DEPTH = 128;
    private static final String MAX_DEPTH_PROPERTY = "jdk.xml.maxElementDepth";

    private static final DocumentBuilderFactory FACTORY = lockedDownFactory();

    private static final ErrorHandler FAIL_ON_ERRORS = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXParseException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXParseException {
            throw e;
        }
    };

    private SecureXml() {}

    /** Parses {@code xml}; anything not well-formed (or with a DOCTYPE) is a malformed-request fault. */
    static Document parse(byte[] xml) {
        DocumentBuilder builder = newBuilder();
        builder.setErrorHandler(FAIL_ON_ERRORS);
        builder.setEntityResolver((publicId, systemId) -> {
            throw new SAXException("external entities are not allowed");
        });
        try {
            return builder.parse(new ByteArrayInputStream(xml));
        } catch (SAXParseException e) {
            throw XmlRpcFault.malformed(describe(e));
        } catch (SAXException | IOException e) {
            throw XmlRpcFault.malformed("malformed XML");
        }
    }

    /** Where the XML went wrong, without quoting it (parser messages may quote the input). */
    private static String describe(SAXParseException e) {
        String message = String.valueOf(e.getMessage());
        // The parser's own text for a refused DOCTYPE names this feature; input cannot contain it
        // in a name, since '/' is not a name character.
        if (message.contains(DISALLOW_DOCTYPE)) {
            return "DOCTYPE declarations are not allowed in XML-RPC requests";
        }
        // The JDK's text for the depth limit names the property (and quotes the element, which is not repeated).
        if (message.contains("maxElementDepth")) {
            return "elements nested deeper than " + MAX_ELEMENT_DEPTH + " levels";
        }
        return "malformed XML at line " + e.getLineNumber() + ", column " + e.getColumnNumber();
    }

    private static DocumentBuilder newBuilder() {
        // DocumentBuilderFactory is not thread-safe; a DocumentBuilder is used by one call only.
        synchronized (FACTORY) {
            try {
                return FACTORY.newDocumentBuilder();
            } catch (ParserConfigurationException e) {
                throw new IllegalStateException("the JDK's XML parser cannot be configured", e);
            }
        }
    }

    private static DocumentBuilderFactory lockedDownFactory() {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature(DISALLOW_DOCTYPE, true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser cannot be locked down", e);
        }
        try {
            factory.setAttribute(MAX_DEPTH_PROPERTY, String.valueOf(MAX_ELEMENT_DEPTH));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the JDK's XML parser cannot limit element depth", e);
        }
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        factory.setNamespaceAware(false);
        factory.setValidating(false);
        factory.setIgnoringComments(true);
        return factory;
    }
}
