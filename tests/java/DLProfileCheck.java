// Loads an ontology with the OWL API (the library Protégé uses), with the parser chosen by the
// file's extension (.owl RDF/XML, .ttl Turtle, .jsonld JSON-LD, .obo OBO), and prints OWL 2 DL
// profile violations and entity counts. Loads non-strict by default, as Protégé does;
// -Dstrict=true for the strict RDF mapping.
// Usage: java -cp <owlapi classpath>:. DLProfileCheck FILE
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.io.OWLParser;
import org.semanticweb.owlapi.model.*;
import org.semanticweb.owlapi.oboformat.OBOFormatOWLAPIParser;
import org.semanticweb.owlapi.profiles.*;
import org.semanticweb.owlapi.rdf.rdfxml.parser.RDFXMLParser;
import org.semanticweb.owlapi.rdf.turtle.parser.TurtleOntologyParser;
import org.semanticweb.owlapi.rio.RioJsonLDParserFactory;

public class DLProfileCheck {
    // Parse with one parser: left to try every parser, the OWL API may accept a broken file
    // through another syntax (see ENVIRONMENT.md).
    static OWLParser parserFor(String name) {
        if (name.endsWith(".ttl")) return new TurtleOntologyParser();
        if (name.endsWith(".jsonld")) return new RioJsonLDParserFactory().createParser();
        if (name.endsWith(".obo")) return new OBOFormatOWLAPIParser();
        return new RDFXMLParser();
    }

    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntologyLoaderConfiguration conf = new OWLOntologyLoaderConfiguration()
            .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.SILENT)
            .setStrict(Boolean.parseBoolean(System.getProperty("strict", "false")));
        OWLOntology ont = manager.createOntology();
        OWLDocumentFormat format = parserFor(args[0]).parse(
            new FileDocumentSource(new File(args[0])), ont, conf);
        manager.setOntologyFormat(ont, format);
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ont);
        System.out.println("format " + manager.getOntologyFormat(ont).getKey());
        System.out.println("ontology_iri " + ont.getOntologyID().getOntologyIRI().map(IRI::toString).orElse(""));
        System.out.println("axioms " + ont.getAxiomCount());
        System.out.println("logical_axioms " + ont.getLogicalAxiomCount());
        System.out.println("classes " + ont.getClassesInSignature().size());
        System.out.println("individuals " + ont.getIndividualsInSignature().size());
        System.out.println("object_properties " + ont.getObjectPropertiesInSignature().size());
        System.out.println("violations " + report.getViolations().size());
        for (OWLProfileViolation v : report.getViolations()) {
            System.out.println("VIOLATION " + v.getClass().getSimpleName() + ": " + v);
        }
    }
}
